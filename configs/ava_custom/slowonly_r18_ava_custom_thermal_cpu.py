# The CPU-sized ava_custom config, for the thermal recordings converted by
# tools/data/ava_custom/thermal_to_ava.py: a small SlowOnly detector from
# scratch on 4 frames at 40x60, AdamW lr 2e-3 with a cosine decay, 2 epochs
# (about 20 min on 2 heavily shared CPU cores; a few on idle ones). The best epoch is chosen on val mAP/overall.
#   python tools/data/ava_custom/thermal_to_ava.py \
#     ../shared/data/thermal_action_dataset data/ava_custom_thermal
#   python tools/train.py \
#     configs/ava_custom/slowonly_r18_ava_custom_thermal_cpu.py \
#     --data-root data/ava_custom_thermal
_base_ = [
    '../_base_/models/slowonly_r18_ava_custom_cpu.py',
    '../_base_/datasets/ava_custom_thermal_cpu.py',
    '../_base_/schedules/adamw_cosine_20e.py',
    '../_base_/default_runtime.py'
]

train_cfg = dict(max_epochs=2)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=1, eta_min=1e-5, by_epoch=True,
         begin=1, end=2)
]
auto_scale_lr = dict(enable=False, base_batch_size=8)

default_hooks = dict(
    checkpoint=dict(save_best='mAP/overall', rule='greater'))
