# The original project's fine-tuning schedule (its stage 1): Adam 5e-4, weight
# decay 1e-4, gradient clipping 1.0, lr halved after 3 epochs without a gain of
# 0.01 BPM^2 in validation MSE (down to 1e-6), at most 50 epochs. The configs
# add ResumableEarlyStoppingHook (mmengine's, with its counters in the
# checkpoint; patience 10) as default_hooks.early_stopping.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=50, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=5e-4, weight_decay=1e-4),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    # an absolute threshold in BPM^2: the relative default (1e-4) would
    # count 0.001 BPM^2 at an MSE of 10 as progress
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=3, threshold=0.01, threshold_rule='abs',
         min_value=1e-6, by_epoch=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
