# Both fine-tuning stages in one run (the default fine-tuning config): the
# first sixth of the epochs (1-10 of 60) trains LSTM layer 1 and the output
# layer (layer 0 frozen) at Adam 5e-4, then every layer at 0.2 x the lr
# reached (1e-4 when the plateau scheduler has not lowered it), with
# ftplugin's StagedUnfreezeHook. Stage 2 begins at a fraction of max_epochs,
# so a shorter run (train_cfg.max_epochs=3) keeps both stages; the plateau
# scheduler counts anew in stage 2, and early stopping stops the run only in
# stage 2 (ResumableEarlyStoppingHook is phase-aware).
#   python tools/train.py configs/apple_watch/lstm_applewatch_finetune_2stage.py \
#     --cfg-options load_from=PRETRAINED
# PRETRAINED: work_dirs/lstm_endomondo_pretrain/best_hr_mse_epoch_N.pth or the
# original project's {'model_state_dict': ...} file. Unlike the original
# project's two runs, stage 2 continues from the last stage-1 weights (not the
# best) with the optimizer state kept. The plateau-driven variant is
# lstm_applewatch_finetune_2stage_plateau.py.
_base_ = ['./lstm_applewatch_finetune_stage1-only.py']

train_cfg = dict(max_epochs=60)
# the hook, not the backbone, decides what trains
model = dict(backbone=dict(frozen_layers=()))
# one plateau scheduler for both stages (the hook resets its counters at
# the transition); its floor is stage 2's, which stage 1 never reaches
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=3, threshold=0.01, threshold_rule='abs',
         min_value=1e-7, by_epoch=True)
]
default_hooks = dict(
    unfreeze=dict(type='StagedUnfreezeHook', stages=[
        dict(begin=0, trainable=['backbone.lstm.*_l1', 'head']),
        # a fraction of train_cfg.max_epochs: epoch 11 of 60
        dict(begin=1 / 6, trainable=['*'], lr_mult=0.2),
    ]))
# parameters change between trainable and frozen after DDP wraps the model
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
