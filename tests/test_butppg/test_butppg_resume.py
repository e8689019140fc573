"""butppg: SIGKILL at a random iteration + --resume ends bit-identical to an
uninterrupted run (CPU, --deterministic, transformer dropout on, the
three-stage unfreezing schedule, normalisation fitted once, early
stopping counting)."""
import pytest
from exact_resume import check_exact_resume, keyed_hooks

# from scratch: the test has no pretraining
BODY = 'load_cfg = None\n' + keyed_hooks(
    "[dict(begin=0, trainable=['cls_head']), "
    "dict(begin=1, trainable=['cls_head', 'backbone.blocks.3']), "
    "dict(begin=2, trainable=['*'], lr_mult=0.5)]", 'acc/top1', 'greater', 10)


@pytest.mark.slow
def test_kill_and_resume_is_bit_identical(repo_root, butppg_data, tmp_path):
    check_exact_resume(
        repo_root, tmp_path, 'configs/butppg/butppg_5ch_finetune_3stage.py',
        BODY, butppg_data, batch_size=32)
