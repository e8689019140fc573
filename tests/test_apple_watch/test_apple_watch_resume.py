"""apple_watch: SIGKILL at a random iteration + --resume ends bit-identical
to an uninterrupted run (CPU, --deterministic, LSTM dropout 0.2 on, the
two-stage schedule, early stopping counting)."""
from exact_resume import check_exact_resume

# the family's fine-tuning config with its stages moved to epoch 2 and an
# early stopping that can no longer improve after the 1st validation
BODY = '''
load_cfg = dict(required=[])  # from scratch: the test has no pretraining
default_hooks = dict(
    unfreeze=dict(stages=[
        dict(begin=0, trainable=['backbone.lstm.*_l1', 'head']),
        dict(begin=1, trainable=['*'], lr_mult=0.2)]),
    early_stopping=dict(min_delta=1e9, patience=2))
'''


def test_kill_and_resume_is_bit_identical(repo_root, aw_data, tmp_path):
    check_exact_resume(
        repo_root, tmp_path, 'configs/apple_watch/lstm_applewatch_finetune.py',
        BODY, aw_data / 'apple_watch', batch_size=4)
