# Self-supervised pretraining of the CPU thermal backbone
# (slowonly_r18_thermal_20e.py's ResNet3dSlowOnly) by contrast between two
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
    '../_base_/schedules/adamw_cosine_10e.py',
    '../_base_/default_runtime.py'
]

train_dataloader = dict(
    dataset=dict(pipeline={{_base_.contrastive_pipeline}}))

default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
