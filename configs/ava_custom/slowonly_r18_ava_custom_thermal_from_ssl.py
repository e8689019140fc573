# The thermal detector of slowonly_r18_ava_custom_thermal_scratch.py with its
# backbone from the thermal self-supervised pretraining
# (configs/thermal/slowonly_r18_thermal_ssl_pretrain.py, pretrained on the
# recordings of the training side), the same 3-epoch budget: epoch 1 trains
# the RoI head only, then everything, the backbone at 0.1 x the lr.
# load_from is required, and every backbone tensor must load.
#   python tools/train.py \
#     configs/ava_custom/slowonly_r18_ava_custom_thermal_from_ssl.py \
#     --data-root data/ava_custom_thermal --cfg-options \
#       load_from=work_dirs/slowonly_r18_thermal_ssl_pretrain/epoch_10.pth
_base_ = ['./slowonly_r18_ava_custom_thermal_scratch.py']

load_from = None
load_cfg = dict(required=['backbone'])
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))
# begin: a fraction of max_epochs (epoch 1 of 3)
default_hooks = dict(
    unfreeze=dict(type='ResNet3dStageUnfreezeHook', stages=[
        dict(begin=0, frozen_stages=4),
        dict(begin=1 / 3, frozen_stages=-1)
    ]))
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
