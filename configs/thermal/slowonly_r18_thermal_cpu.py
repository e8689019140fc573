_base_ = [
    '../_base_/models/slowonly_r18_thermal_cpu.py',
    '../_base_/datasets/thermal_hdf5_cpu.py',
    '../_base_/default_runtime.py'
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=20, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=18, eta_min=1e-5, by_epoch=True,
         begin=2, end=20)
]
default_hooks = dict(checkpoint=dict(save_best='acc/mean_class', rule='greater'))
auto_scale_lr = dict(enable=False, base_batch_size=16)
