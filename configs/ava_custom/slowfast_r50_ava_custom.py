# The AlphAction guide's set-up on any AVA-style custom dataset: SlowFast R50
# 4x16 backbone from a Kinetics checkpoint (its classifier skipped: the
# guide's --no-head), RoI head 7x7 with dropout 0.2, frozen BatchNorm, the
# guide's SGD solver scaled by auto_scale_lr. Set num_classes to your label
# set. Needs a GPU for reasonable speed (untested here: no GPU was available).
#   python tools/download_pretrained.py \
#     configs/ava_custom/slowfast_r50_ava_custom.py
#   python tools/train.py configs/ava_custom/slowfast_r50_ava_custom.py \
#     --data-root DIR --cfg-options model.cls_head.num_classes=K
_base_ = [
    '../_base_/models/slowfast_r50_ava_custom.py',
    '../_base_/datasets/ava_custom.py',
    '../_base_/schedules/sgd_warmup_multistep_ava.py',
    '../_base_/default_runtime.py'
]

# mmaction2 model zoo: SlowFast R50 4x16x1, Kinetics-400 (the guide's
# Kinetics-700 AlphAction weights load the same way through load_cfg
# key_map if you have them).
pretrained_url = (
    'https://download.openmmlab.com/mmaction/v1.0/recognition/slowfast/'
    'slowfast_r50_8xb8-4x16x1-256e_kinetics400-rgb/'
    'slowfast_r50_8xb8-4x16x1-256e_kinetics400-rgb_20220901-701b0f6f.pth')
load_from = ('checkpoints/'
             'slowfast_r50_8xb8-4x16x1-256e_kinetics400-rgb_20220901-701b0f6f'
             '.pth')
# The guide's --transfer --no-head as config keys: the backbone must load
# completely, the checkpoint's head (cls_head.*) is never loaded. Drop
# 'cls_head' from skip to load a head of the same classes (guide without
# --no-head).
load_cfg = dict(required=['backbone'], skip=['cls_head'])
# (no from-scratch twin: slowonly_tiny_ava_custom_thermal.py is the
# detector trained from random weights, small enough for a CPU)

default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=10000,
                    save_best='mAP/overall', rule='greater'))
log_processor = dict(by_epoch=False)
