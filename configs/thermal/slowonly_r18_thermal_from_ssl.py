# Fine-tune the self-supervised backbone of
# slowonly_r18_thermal_ssl_pretrain.py on labelled thermal clips, with the
# 10-epoch budget of its from-scratch twin slowonly_r18_thermal_scratch.py:
# epochs 1-2 train the head only, 3-4 also stages 3-4, then everything; the
# backbone at 0.1 x the lr throughout. load_from is required, and every
# backbone tensor must load (else the run stops, naming what did not).
#   python tools/train.py configs/thermal/slowonly_r18_thermal_from_ssl.py \
#     --data-root D --cfg-options \
#       load_from=work_dirs/slowonly_r18_thermal_ssl_pretrain/epoch_10.pth
_base_ = ['./slowonly_r18_thermal_scratch.py']

load_from = None
# the pretrainer's decoder / projector are reported unexpected and ignored;
# the head starts afresh
load_cfg = dict(required=['backbone'])

optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1))))
# frozen_stages as mmaction2: 4 = stem and all stages (head only), 2 = stem
# and stages 1-2, -1 = nothing; begin is a fraction of max_epochs (epochs 2
# and 4 of 10), so a shorter run keeps the three stages
default_hooks = dict(
    unfreeze=dict(type='ResNet3dStageUnfreezeHook', stages=[
        dict(begin=0, frozen_stages=4),
        dict(begin=0.2, frozen_stages=2),
        dict(begin=0.4, frozen_stages=-1)
    ]))
# the trainable set changes after DDP wraps the model
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
