# AdamW lr 1e-3 (weight decay 0.05), gradients clipped at 40, one warm-up
# epoch then a cosine decay to 1e-5 at epoch 10 (the thermal self-supervised
# pretraining).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10)

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=9, eta_min=1e-5, by_epoch=True,
         begin=1, end=10)
]
# batch 16 on one process; --auto-scale-lr rescales for other totals
auto_scale_lr = dict(enable=False, base_batch_size=16)
