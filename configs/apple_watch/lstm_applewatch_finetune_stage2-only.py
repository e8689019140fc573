# Stage 2 of the original project's fine-tuning: every layer trains, Adam 1e-4
# (plateau down to 1e-7), starting from stage 1's best checkpoint:
#   python tools/train.py configs/apple_watch/lstm_applewatch_finetune_stage2-only.py \
#     --cfg-options load_from=STAGE1_BEST
# STAGE1_BEST: work_dirs/lstm_applewatch_finetune_stage1-only/best_hr_mse_epoch_N.pth
_base_ = ['./lstm_applewatch_finetune_stage1-only.py']

model = dict(backbone=dict(frozen_layers=()))
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=3, threshold=0.01, threshold_rule='abs',
         min_value=1e-7, by_epoch=True)
]
