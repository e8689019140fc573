# Apple-Watch-style workouts: <data_root>/{train,val,test}.pt split by date
# (70/15/15) with scaler_params.json, as written by
# tools/data/apple_watch/convert_workouts.py or
# tools/data/apple_watch/generate_apple_watch_data.py.
# Point every loader at your copy with `--data-root D` (tools/train.py,
# tools/test.py), or one of them with --cfg-options
#   train_dataloader.dataset.data_root=D
dataset_type = 'AppleWatchDataset'
data_root = 'data/apple_watch/apple_watch'
# 'previous': speed, altitude and the previous step's heart rate (model
# input_features must agree); 'none' and 'same' (leaks the target) exist too
common = dict(type=dataset_type, data_root=data_root, hr_input='previous')
pipeline = [dict(type='PackHeartRateInputs')]

train_dataloader = dict(
    batch_size=32,
    num_workers=0,  # the whole split is a few MB of tensors in memory
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, split='train', pipeline=pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, split='val', pipeline=pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, split='test', pipeline=pipeline, test_mode=True))

val_evaluator = dict(type='HeartRateMetric')
test_evaluator = val_evaluator
