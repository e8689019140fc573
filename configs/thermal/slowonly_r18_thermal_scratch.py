# The from-scratch twin of slowonly_r18_thermal_from_ssl.py: the same model,
# data, augmentations, class weights and 10-epoch budget (AdamW 1e-3, one
# warm-up epoch, cosine), every layer trained from random weights at the full
# lr. Compare the two on the same split and seeds.
#   python tools/train.py configs/thermal/slowonly_r18_thermal_scratch.py \
#     --data-root D
_base_ = ['./slowonly_r18_thermal_20e.py']

max_epochs = 10
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=1e-5,
         by_epoch=True, begin=1, end=max_epochs)
]
