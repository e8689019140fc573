# The CPU-sized ava_custom config, for the thermal recordings converted by
# tools/data/ava_custom/thermal_to_ava.py: a small SlowOnly detector from
# scratch on 4 frames at 40x60, AdamW lr 2e-3 after a one-epoch warm-up,
# 2 epochs (about 15 min on 2 heavily shared CPU cores, fewer on idle ones).
# The best epoch is kept by val mAP/overall.
#   python tools/data/ava_custom/thermal_to_ava.py \
#     ../shared/data/thermal_action_dataset data/ava_custom_thermal
#   python tools/train.py \
#     configs/ava_custom/slowonly_tiny_ava_custom_thermal.py \
#     --data-root data/ava_custom_thermal
_base_ = [
    '../_base_/models/slowonly_tiny_ava_custom.py',
    '../_base_/datasets/ava_custom_thermal_cpu.py',
    '../_base_/schedules/adamw_cosine_20e.py',
    '../_base_/default_runtime.py'
]

train_cfg = dict(max_epochs=2)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
# a linear warm-up over the first epoch, then the constant lr
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=8)

default_hooks = dict(
    checkpoint=dict(save_best='mAP/overall', rule='greater'))
