"""thermal: SIGKILL at a random iteration + --resume ends bit-identical to an
uninterrupted run (CPU, --deterministic, head dropout 0.5 on, the random
crops / flips / jitter / erasing of the config's pipeline drawn in its
dataloader worker, a three-stage unfreezing schedule, early stopping
counting)."""
import numpy as np
from exact_resume import check_exact_resume, keyed_hooks

from ftplugin.datasets.synthetic.thermal import generate_thermal

# the CPU config shrunk to seconds per epoch: 8 base channels, one block per
# stage, 4 of 16 frames at 24x36; the config's dataloader worker kept
BODY = '''
model = dict(
    backbone=dict(base_channels=8, stage_blocks=(1, 1, 1, 1)),
    cls_head=dict(in_channels=64))
size = (36, 24)
train_pipeline = [
    dict(type='SampleFrames', clip_len=4, frame_interval=4, num_clips=1),
    dict(type='ArrayDecode'),
    dict(type='RandomResizedCrop', area_range=(0.7, 1.0),
         aspect_ratio_range=(0.85, 1.15)),
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='ColorJitter', brightness=0.2, contrast=0.2, saturation=0,
         hue=0),
    dict(type='RandomErasing', erase_prob=0.25, min_area_ratio=0.02,
         max_area_ratio=0.2, mode='const', fill_color=128),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='SampleFrames', clip_len=4, frame_interval=4, num_clips=1,
         test_mode=True),
    dict(type='ArrayDecode'),
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(clip_len=16, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(clip_len=16, pipeline=test_pipeline))
test_dataloader = val_dataloader
''' + keyed_hooks(
    "[dict(begin=0, trainable=['cls_head']), "
    "dict(begin=1, trainable=['cls_head', 'backbone.layer4']), "
    "dict(begin=2, trainable=['*'], lr_mult=0.5)]", 'acc/top1', 'greater', 10)


def test_kill_and_resume_is_bit_identical(repo_root, tmp_path):
    # ~40 training and ~10 validation windows: 5 iterations an epoch
    root = tmp_path / 'thermal'
    generate_thermal(str(root), num_sensors=3, frames_per_sensor=64,
                     keyframe_every=4, rng=np.random.default_rng(0),
                     verbose=False)
    check_exact_resume(
        repo_root, tmp_path, 'configs/thermal/slowonly_r18_thermal_cpu.py',
        BODY, root, batch_size=8)
