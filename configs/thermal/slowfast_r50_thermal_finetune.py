# The original project's set-up: SlowFast R50 pretrained on Kinetics-400,
# fine-tuned on all 64 frames of each thermal window at 256x384, SGD 0.005 with
# the backbone at 0.1 x, 10 warm-up epochs, 100 epochs, class-weighted CE (the
# original computed weights but never passed them to the loss). Needs a GPU for
# reasonable speed; configs/thermal/slowonly_r18_thermal_20e.py is the CPU
# alternative.
#   python tools/download_pretrained.py \
#     configs/thermal/slowfast_r50_thermal_finetune.py
#   python tools/train.py configs/thermal/slowfast_r50_thermal_finetune.py \
#     --data-root D
_base_ = [
    '../_base_/models/slowfast_r50_thermal.py',
    '../_base_/datasets/thermal_hdf5.py',
    '../_base_/schedules/sgd_warmup_cosine_100e.py',
    '../_base_/default_runtime.py'
]

# Inverse-frequency weights of the 1,059 training samples whose recordings
# are present (tools/analysis/class_weights.py annotations/train.json
# --class-mapping annotations/class_mapping.json --frames-dir frames);
# recompute them for another split or with all recordings.
model = dict(
    cls_head=dict(
        loss_cls=dict(class_weight=[
            0.795, 0.4284, 3.3942, 0.1776, 0.6086, 0.0, 5.8833, 6.7885, 8.825,
            44.125, 5.1912, 9.8056, 11.0312, 0.0
        ])))

# mmaction2 model zoo: SlowFast R50 4x16x1, Kinetics-400 (75.55 % top-1).
# tools/download_pretrained.py fetches pretrained_url to load_from and checks
# the sha256 prefix in its name.
pretrained_url = (
    'https://download.openmmlab.com/mmaction/v1.0/recognition/slowfast/'
    'slowfast_r50_8xb8-4x16x1-256e_kinetics400-rgb/'
    'slowfast_r50_8xb8-4x16x1-256e_kinetics400-rgb_20220901-701b0f6f.pth')
load_from = ('checkpoints/'
             'slowfast_r50_8xb8-4x16x1-256e_kinetics400-rgb_20220901-701b0f6f'
             '.pth')
# The backbone must load completely (the Kinetics classifier of 400 classes
# is skipped by shape); without load_from the run is refused:
# slowfast_r50_thermal_scratch.py trains the same model from random weights.
load_cfg = dict(
    required=['backbone'],
    scratch_config='configs/thermal/slowfast_r50_thermal_scratch.py')

# model selection on the imbalance-aware metric, as the original project
# recommends
default_hooks = dict(
    checkpoint=dict(save_best='acc/mean_class', rule='greater'))
