# Self-supervised pretraining of the CPU thermal backbone
# (slowonly_r18_thermal_cpu.py's ResNet3dSlowOnly) by masked spatio-temporal
# reconstruction on unlabelled recordings: 60 % of the 2x8x8 patches of each
# 8x48x72 clip hidden, their pixels rebuilt (MaskedClipPretrainer). Its last
# checkpoint is the load_from of the *_from_ssl.py configs.
#   python tools/train.py \
#     configs/thermal/slowonly_r18_thermal_masked_ssl_pretrain.py \
#     --data-root D --cfg-options \
#       train_dataloader.dataset.split_file=D2/train.json
# (D2/train.json: the training side of split_thermal_by_sensor.py; never
# the recordings you validate or test on.)
_base_ = [
    '../_base_/models/slowonly_r18_thermal_masked_ssl.py',
    '../_base_/datasets/thermal_recordings_ssl_cpu.py',
    '../_base_/default_runtime.py'
]

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

# no validation: keep the last epochs (epoch_<max_epochs>.pth is the one to
# fine-tune from)
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
