# Stage 1 of the original project: pretrain the pose autoencoder on KTH poses
# by reconstruction. Its best checkpoint is a valid load_from= for the
# pose_ae_kaggle_* configs.
_base_ = [
    '../_base_/models/pose_ae_pretrainer.py',
    '../_base_/datasets/kth_pose.py', '../_base_/default_runtime.py'
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=50, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=1e-5),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=50, eta_min=1e-5, by_epoch=True)
]
default_hooks = dict(checkpoint=dict(save_best='recon/mse', rule='less'))
auto_scale_lr = dict(enable=False, base_batch_size=32)
