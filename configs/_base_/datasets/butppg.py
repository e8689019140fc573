# BUT-PPG quality windows: <data_root>/{train,val,test}.npz, 10 s at 125 Hz.
# Point every loader at your copy with `--data-root D` (tools/train.py,
# tools/test.py), or one of them with --cfg-options
#   train_dataloader.dataset.data_root=D
dataset_type = 'BUTPPGDataset'
data_root = 'data/butppg'
channels = ('ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG')
common = dict(type=dataset_type, data_root=data_root, channels=channels,
              window_length=1250)

# PackActionInputs packs the (C, T) window the dataset puts under `audios`
train_pipeline = [dict(type='PackActionInputs')]
test_pipeline = [dict(type='PackActionInputs')]

train_dataloader = dict(
    batch_size=32,
    num_workers=0,  # windows are preloaded arrays: workers only add overhead
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, split='val', pipeline=test_pipeline,
                 test_mode=True))
test_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, split='test', pipeline=test_pipeline,
                 test_mode=True))

# loss (cross-entropy of the predicted probabilities) and the original
# project's names: accuracy, class_0_acc, class_1_acc (percent)
val_evaluator = dict(type='ClassificationMetric', topk=(1, ), with_loss=True,
                     legacy_keys=True)
test_evaluator = val_evaluator
