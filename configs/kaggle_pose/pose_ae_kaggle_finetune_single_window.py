# The former default (a runner-up on k-fold, configs/kaggle_pose/README.md):
# trained and validated on one window per file, its first 64 frames, tested
# like the default on 5 windows with the most fall-like one deciding
# (average_clips='max'). The base of the other single-window configs.
_base_ = ['./pose_ae_kaggle_finetune.py']

model = dict(cls_head=dict(train_aggregate=None))
first_window_pipeline = [
    dict(type='SamplePoseWindows', clip_len=64, sampling='first'),
    dict(type='NormalizePoseWindows'),
    dict(type='PackActionInputs', meta_keys=('filename', 'total_frames'))
]
train_dataloader = dict(dataset=dict(pipeline=first_window_pipeline))
val_dataloader = dict(dataset=dict(pipeline=first_window_pipeline))
load_cfg = dict(scratch_config=(
    'configs/kaggle_pose/pose_ae_kaggle_single_window_scratch.py'))
