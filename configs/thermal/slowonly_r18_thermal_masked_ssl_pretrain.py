# Self-supervised pretraining of the CPU thermal backbone
# (slowonly_r18_thermal_20e.py's ResNet3dSlowOnly) by masked spatio-temporal
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
    '../_base_/schedules/adamw_cosine_10e.py',
    '../_base_/default_runtime.py'
]

# no validation: the last checkpoint (epoch_10.pth) is the one to fine-tune
# from
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
