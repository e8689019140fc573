# slowfast_r50_thermal_finetune.py with gradual unfreezing of the backbone
# (what the original project recommends in its notes: "start with frozen
# backbone"): the first 5 % of the epochs (1-5 of 100) train the head only,
# the next 5 % (6-10) also res4 and res5 of both pathways, then everything.
# Stages begin at fractions of train_cfg.max_epochs, so a shorter run keeps
# all three. The hook sets both pathways' frozen_stages itself, because
# mmaction2's ResNet3d.train() re-freezes them at every epoch. The
# plateau-driven variant is slowfast_r50_thermal_gradual_unfreeze_plateau.py.
_base_ = ['./slowfast_r50_thermal_finetune.py']

default_hooks = dict(
    unfreeze=dict(type='ResNet3dStageUnfreezeHook', stages=[
        dict(begin=0, frozen_stages=4),
        dict(begin=0.05, frozen_stages=2),
        dict(begin=0.1, frozen_stages=-1)
    ]))
