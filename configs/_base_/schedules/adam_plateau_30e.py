# The original project's fine-tuning schedule: Adam 1e-4, weight decay 1e-5,
# gradient clipping 1.0, LR halved after 3 epochs without val-accuracy gain, 30
# epochs.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-5),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='acc/top1', rule='greater',
         factor=0.5, patience=3, by_epoch=True)
]
# batch 16 on one process; --auto-scale-lr rescales for other totals
auto_scale_lr = dict(enable=False, base_batch_size=16)
