"""ava_custom: SIGKILL at a random iteration + --resume ends bit-identical to
an uninterrupted run (CPU, --deterministic, RoI head dropout 0.3 on, the
config's flips / jitter and the dataset's box jitter drawn in its dataloader
worker, a three-stage unfreezing schedule, early stopping counting)."""
import pytest
from exact_resume import check_exact_resume, keyed_hooks

from ftplugin.testing.synthetic.ava_custom import generate_ava_custom

# the generated label set (walk, stand, wave, hot)
BODY = 'model = dict(cls_head=dict(num_classes=4))\n' + keyed_hooks(
    "[dict(begin=0, trainable=['cls_head']), "
    "dict(begin=1, trainable=['cls_head', 'backbone.layer3']), "
    "dict(begin=2, trainable=['*'], lr_mult=0.5)]", 'mAP/overall', 'greater',
    10)


@pytest.mark.slow
def test_kill_and_resume_is_bit_identical(repo_root, tmp_path):
    # 10 training keyframes (2 videos of 5 s), 5 validation ones:
    # 5 iterations an epoch
    root = tmp_path / 'ava'
    generate_ava_custom(str(root), num_videos=3, num_val_videos=1,
                        seconds=5, seed=0)
    check_exact_resume(
        repo_root, tmp_path,
        'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py', BODY,
        root, batch_size=2)
