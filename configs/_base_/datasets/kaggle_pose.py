# Kaggle fall pose CSVs, split 70/20/10 per class by file (seeded).
# Point every loader at your copy with `--data-root D` (tools/train.py,
# tools/test.py), or one of them with --cfg-options
#   train_dataloader.dataset.data_root=D
dataset_type = 'KagglePoseDataset'
data_root = 'data/kaggle_fall'
common = dict(type=dataset_type, data_root=data_root, split_seed=42,
              on_empty='skip')

# filename (and the file's length) reach the data samples, so every row of
# tools/test.py --dump names its file
meta_keys = ('filename', 'total_frames')
# the dataset yields whole sequences: the first 64 frames of each file
# (repeating the last one of a shorter file), centred and scaled
clip_len = 64
train_pipeline = [
    dict(type='SamplePoseWindows', clip_len=clip_len),
    dict(type='NormalizePoseWindows'),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
test_pipeline = train_pipeline

train_dataloader = dict(
    batch_size=16,
    num_workers=0,  # samples are preloaded arrays: workers only add overhead
    drop_last=True,
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

val_evaluator = dict(type='ClassificationMetric', topk=(1, ))
test_evaluator = val_evaluator
