# butppg_5ch_finetune_3stage.py with plateau-driven transitions: stages 1
# (head) and 2 (+ the last blocks, norm and input layer) each end when the
# validation accuracy has not improved for 4 validations, or after 15 epochs,
# with the stage's best weights restored; stage 3 (everything, lr x 0.1)
# runs to epoch 40. Check the schedule first:
#   python tools/analysis/print_schedule.py \
#     configs/butppg/butppg_5ch_finetune_3stage_plateau.py
_base_ = ['./butppg_5ch_finetune_3stage.py']

unfreeze_stages = [
    dict(trainable=['cls_head'], max_epochs=15 / 40),
    dict(trainable=['cls_head', 'backbone.blocks.2', 'backbone.blocks.3',
                    'backbone.norm', 'backbone.patch_embed'],
         max_epochs=15 / 40),
    dict(trainable=['*'], lr_mult=0.1),
]
default_hooks = dict(
    unfreeze=dict(stages=unfreeze_stages, monitor='acc/top1',
                  rule='greater', patience=4, restore_best=True))
