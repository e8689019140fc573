# butppg_5ch_finetune.py + the original project's optional stage 3: from epoch
# 31 to 40 every parameter trains, at lr x 0.1 (the original project's
# --full-finetune --full-finetune-epochs 10). Stages begin at fractions of
# train_cfg.max_epochs (epochs 6 and 31 of 40). The plateau-driven variant is
# butppg_5ch_finetune_3stage_plateau.py.
_base_ = ['./butppg_5ch_finetune.py']

train_cfg = dict(max_epochs=40)
# mmengine replaces lists: the base config's two stages, then stage 3
unfreeze_stages = [
    dict(begin=0, trainable=['cls_head']),
    dict(begin=5 / 40, trainable=['cls_head', 'backbone.blocks.2',
                                  'backbone.blocks.3', 'backbone.norm',
                                  'backbone.patch_embed']),
    dict(begin=30 / 40, trainable=['*'], lr_mult=0.1),
]
default_hooks = dict(unfreeze=dict(stages=unfreeze_stages))
