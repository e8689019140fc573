# slowfast_r50_thermal_finetune.py with gradual unfreezing of the backbone
# (what the original project recommends in its notes: "start with frozen
# backbone"): epochs 1-5 train the head only, 6-10 also res4 and res5 of both
# pathways, from 11 on everything. The hook sets both pathways' frozen_stages
# itself, because mmaction2's ResNet3d.train() re-freezes them at every epoch.
_base_ = ['./slowfast_r50_thermal_finetune.py']

default_hooks = dict(
    unfreeze=dict(type='ResNet3dStageUnfreezeHook', stages=[
        dict(begin=0, frozen_stages=4),
        dict(begin=5, frozen_stages=2),
        dict(begin=10, frozen_stages=-1)
    ]))
