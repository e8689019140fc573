# slowonly_r18_thermal_from_ssl.py with layer-wise lr decay: each depth group
# of the ResNet3d (head, the 8 residual blocks from layer4.1 down, the stem;
# read from the model) trains at 0.8 x the lr of the group above it
# (LayerDecayOptimWrapperConstructor), on top of the backbone's lr x 0.1 and
# the three stages (the stem at 0.8 ** 9 = 0.13 x the backbone's lr). Check
# the lrs first:
#   python tools/analysis/print_schedule.py \
#     configs/thermal/slowonly_r18_thermal_from_ssl_llrd.py
_base_ = ['./slowonly_r18_thermal_from_ssl.py']

optim_wrapper = dict(
    constructor='LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.8, layer_groups='auto'))
