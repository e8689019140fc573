# Unlabelled VitalDB windows for pretraining: <data_root>/{train,val}_windows
# .npz with `data` [N, 2, 1250] (PPG, ECG). Set data_root with
# `--data-root D`.
dataset_type = 'VitalDBWindowsDataset'
data_root = 'data/vitaldb'
common = dict(type=dataset_type, data_root=data_root, channels=('PPG', 'ECG'),
              window_length=1250)

train_pipeline = [dict(type='PackActionInputs')]
test_pipeline = [dict(type='PackActionInputs')]

train_dataloader = dict(
    batch_size=128,
    num_workers=0,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, split='val', pipeline=test_pipeline,
                 test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ReconstructionMetric')
test_evaluator = val_evaluator
