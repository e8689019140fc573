# Training from scratch on CPU: AdamW lr 1e-3 (weight decay 0.05), gradients
# clipped at 40, 2 warm-up epochs then a cosine decay to 1e-5 at epoch 20.
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
# batch 16 on one process; --auto-scale-lr rescales for other totals
auto_scale_lr = dict(enable=False, base_batch_size=16)
