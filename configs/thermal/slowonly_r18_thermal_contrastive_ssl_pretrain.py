# Self-supervised pretraining of the CPU thermal backbone
# (slowonly_r18_thermal_cpu.py's ResNet3dSlowOnly) by contrast between two
# augmented views of the same clip (SimCLR, ContrastiveClipPretrainer +
# MultiViewClips) on unlabelled recordings. Same schedule and data as
# slowonly_r18_thermal_masked_ssl_pretrain.py; each step sees two views.
#   python tools/train.py \
#     configs/thermal/slowonly_r18_thermal_contrastive_ssl_pretrain.py \
#     --data-root D --cfg-options \
#       train_dataloader.dataset.split_file=D2/train.json
_base_ = [
    '../_base_/models/slowonly_r18_thermal_contrastive_ssl.py',
    '../_base_/datasets/thermal_recordings_ssl_cpu.py',
    '../_base_/default_runtime.py'
]

train_dataloader = dict(
    dataset=dict(pipeline={{_base_.contrastive_pipeline}}))

max_epochs = 10
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=1e-5,
         by_epoch=True, begin=1, end=max_epochs)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)

default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
