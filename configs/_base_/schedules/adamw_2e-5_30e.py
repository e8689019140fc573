# The original project's BUT-PPG fine-tuning: AdamW lr 2e-5, weight decay 0.01,
# gradient clipping 1.0, batch 32, 30 epochs at a constant lr.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-5, weight_decay=0.01),
    clip_grad=dict(max_norm=1.0))
param_scheduler = []
auto_scale_lr = dict(enable=False, base_batch_size=32)
