"""kaggle_pose: SIGKILL at a random iteration + --resume ends bit-identical
to an uninterrupted run (CPU, --deterministic, dropout 0.3 on, inside a
staged schedule, with early stopping counting)."""
import pytest
from exact_resume import check_exact_resume, keyed_hooks

# the fine-tuning config from random weights (the test has no pretraining);
# stage 2 (everything trains) from the 2nd epoch; min_delta too large to
# ever improve after the 1st validation, so early stopping ends the run
# after the 3rd epoch only if its counter survives the kill
HOOKS = 'load_cfg = None\n' + keyed_hooks(
    "[dict(begin=0, trainable=['cls_head']), "
    "dict(begin=1, trainable=['*'], lr_mult=0.5)]", 'acc/top1', 'greater', 10)


@pytest.mark.slow
def test_kill_and_resume_is_bit_identical(repo_root, generated_data, tmp_path):
    check_exact_resume(
        repo_root, tmp_path, 'configs/kaggle_pose/pose_ae_kaggle_finetune.py',
        HOOKS, generated_data / 'kaggle_fall', batch_size=16)
