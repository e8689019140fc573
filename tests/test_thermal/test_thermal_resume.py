"""thermal: SIGKILL at a random iteration + --resume ends bit-identical to an
uninterrupted run (CPU, --deterministic, head dropout 0.5 on, the config's
random crops / flips / jitter / erasing drawn in its dataloader worker, a
three-stage unfreezing schedule, early stopping counting)."""
import numpy as np
import pytest
from exact_resume import check_exact_resume, keyed_hooks
from mmengine.config import Config

from ftplugin.testing.synthetic.thermal import generate_thermal

CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'
# sizes that make an epoch take a second: 8 base channels, one block per
# stage, 4 of 16 frames at 24x36
SMALL = dict(SampleFrames=dict(clip_len=4, frame_interval=4),
             Resize=dict(scale=(36, 24)))


def small_pipelines(repo_root) -> str:
    """Config text: the config's own pipelines at the small sizes."""
    cfg = Config.fromfile(str(repo_root / CFG))
    text = ''
    for split in ('train', 'val'):
        loader = cfg[f'{split}_dataloader']
        pipeline = [dict(step, **SMALL.get(step['type'], {}))
                    for step in loader.dataset.pipeline]
        text += (f'{split}_dataloader = dict(dataset=dict(clip_len=16, '
                 f'pipeline={pipeline!r}))\n')
    return text + 'test_dataloader = val_dataloader\n'


BODY = '''
model = dict(
    backbone=dict(base_channels=8, stage_blocks=(1, 1, 1, 1)),
    cls_head=dict(in_channels=64))
''' + keyed_hooks(
    "[dict(begin=0, trainable=['cls_head']), "
    "dict(begin=1, trainable=['cls_head', 'backbone.layer4']), "
    "dict(begin=2, trainable=['*'], lr_mult=0.5)]", 'acc/top1', 'greater', 10)


@pytest.mark.slow
def test_kill_and_resume_is_bit_identical(repo_root, tmp_path):
    # 39 training and 9 validation windows: 5 iterations an epoch
    root = tmp_path / 'thermal'
    generate_thermal(str(root), num_sensors=3, frames_per_sensor=64,
                     keyframe_every=4, rng=np.random.default_rng(0),
                     verbose=False)
    check_exact_resume(repo_root, tmp_path, CFG,
                       BODY + small_pipelines(repo_root), root, batch_size=8)
