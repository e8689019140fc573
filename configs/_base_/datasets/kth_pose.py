# KTH action poses (OpenPose-18 npz): sliding 64-frame windows, stride 32.
dataset_type = 'KTHPoseDataset'
data_root = 'data/kth_poses'
clip_len = 64
common = dict(type=dataset_type, data_root=data_root, clip_len=clip_len,
              window_stride=32, split_seed=42, split_ratios=(0.9, 0.1, 0.0))
# each sample is one sliding window of a file (its start_frame)
pipeline = [
    dict(type='SamplePoseWindows', clip_len=clip_len),
    dict(type='NormalizePoseWindows'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**common, split='train', pipeline=pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**common, split='val', pipeline=pipeline, test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ReconstructionMetric')
test_evaluator = val_evaluator
