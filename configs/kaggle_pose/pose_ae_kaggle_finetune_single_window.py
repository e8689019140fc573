# The former default (a runner-up on k-fold, configs/kaggle_pose/README.md):
# trained and validated on one window per file, its first 64 frames, tested
# like the default on 5 windows with the most fall-like one deciding
# (average_clips='max'). The base of the other single-window configs.
_base_ = ['./pose_ae_kaggle_finetune.py']

model = dict(cls_head=dict(train_aggregate=None))
train_dataloader = dict(dataset=dict(sampling='first', num_clips=1))
val_dataloader = dict(dataset=dict(sampling='first', num_clips=1))
load_cfg = dict(scratch_config=(
    'configs/kaggle_pose/pose_ae_kaggle_single_window_scratch.py'))
