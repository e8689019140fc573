# Both fine-tuning stages in one run (the default fine-tuning config):
# epochs 1-10 train LSTM layer 1 and the output layer (layer 0 frozen) at
# Adam 5e-4, then every layer at 0.2 x the lr reached (1e-4 when the plateau
# scheduler has not lowered it), up to 60 epochs, with ftplugin's
# StagedUnfreezeHook. Stage 1 lasts as long as the early-stopping patience,
# so early stopping can end the run only once stage 2 has started.
#   python tools/train.py configs/apple_watch/lstm_applewatch_finetune.py \
#     --cfg-options load_from=PRETRAINED
# PRETRAINED: work_dirs/lstm_endomondo_pretrain/best_hr_mse_epoch_N.pth or the
# original project's {'model_state_dict': ...} file. Unlike the original
# project's two runs, stage 2 continues from the last stage-1 weights (not the
# best) with the optimizer state kept.
_base_ = ['./lstm_applewatch_stage1.py']

stage1_epochs = 10
train_cfg = dict(max_epochs=60)
# the hook, not the backbone, decides what trains
model = dict(backbone=dict(frozen_layers=()))
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=3, threshold=0.01, threshold_rule='abs',
         min_value=1e-6, by_epoch=True, end=stage1_epochs),
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=3, threshold=0.01, threshold_rule='abs',
         min_value=1e-7, by_epoch=True, begin=stage1_epochs),
]
default_hooks = dict(
    unfreeze=dict(type='StagedUnfreezeHook', stages=[
        dict(begin=0, trainable=['backbone.lstm.*_l1', 'head']),
        dict(begin=stage1_epochs, trainable=['*'], lr_mult=0.2),
    ]))
# parameters change between trainable and frozen after DDP wraps the model
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
