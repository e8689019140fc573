# The original project's fine-tuning schedule: SGD lr 0.005 (momentum 0.9,
# weight decay 1e-4), the backbone at 0.1 x that lr, gradients clipped at 40, a
# linear warm-up from 1 % over 10 epochs into a cosine decay to 1e-4 at epoch
# 100.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=40, norm_type=2),
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=90, eta_min=1e-4, by_epoch=True,
         begin=10, end=100)
]
# batch 4 on one process; --auto-scale-lr rescales for other totals
auto_scale_lr = dict(enable=False, base_batch_size=4)
