# AlphAction's solver (the guide's 8-GPU defaults, 16 clips per batch): SGD
# lr 0.0004 (momentum 0.9, weight decay 1e-7), a linear warm-up from 0.25 x
# over 2,000 iterations, lr x 0.1 at 50k and 70k, 90k iterations.
# auto_scale_lr applies the guide's linear scaling rule to the lr for the
# actual total batch (e.g. 1 process x 2 clips: 0.0004 x 2 / 16); scale
# max_iters / milestones yourself (the guide: x 16 / total batch) with
# --cfg-options.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=90000,
                 val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.0004, momentum=0.9, weight_decay=1e-7),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.25, by_epoch=False, begin=0,
         end=2000),
    dict(type='MultiStepLR', by_epoch=False, milestones=[50000, 70000],
         gamma=0.1, begin=0, end=90000)
]
auto_scale_lr = dict(enable=True, base_batch_size=16)
