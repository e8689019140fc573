# Self-supervised pretraining of the 2-channel (PPG, ECG) signal transformer on
# VitalDB windows: masked-signal modelling (40 % of the 1 s patches) + 0.3 x
# multi-resolution STFT, as the original project. Its best checkpoint is the
# load_from= of the butppg_5ch_finetune*.py configs.
#   python tools/train.py configs/butppg/ssl_vitaldb_2ch_pretrain.py \
#     --data-root D
_base_ = [
    '../_base_/models/signal_transformer_pretrainer.py',
    '../_base_/datasets/vitaldb_windows.py', '../_base_/default_runtime.py'
]

# Batch 32 (the original project: 128) and 60 epochs, 5.6 k steps on 3000
# windows: the masked patches only start to be predicted after about 1 k steps.
# 4.3 minutes in `make demo` on a 2-core CPU (the original project ran 100+
# epochs on a GPU).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=60, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.01),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=58, eta_min=1e-5, by_epoch=True,
         begin=2, end=60)
]
train_dataloader = dict(batch_size=32)
auto_scale_lr = dict(enable=False, base_batch_size=32)

default_hooks = dict(
    checkpoint=dict(save_best='recon/mse', rule='less'),
    # the per-channel statistics of the VitalDB training windows
    fit_normalization=dict(type='FitNormalizationHook'),
    original_outputs=dict(type='OriginalOutputsHook'))
