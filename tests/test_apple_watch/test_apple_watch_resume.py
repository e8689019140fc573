"""apple_watch: SIGKILL at a random iteration + --resume ends bit-identical
to an uninterrupted run (CPU, --deterministic, LSTM dropout 0.2 on, the
two-stage schedule, early stopping counting)."""
import pytest
from exact_resume import check_exact_resume, keyed_hooks

# the family's fine-tuning config from scratch (the test has no
# pretraining), its stages and plateau schedulers moved to epoch 2, and an
# early stopping that can no longer improve after the 1st validation
BODY = '''
load_cfg = dict(required=[])
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=1, by_epoch=True, end=1),
    dict(type='ReduceOnPlateauLR', monitor='hr/mse', rule='less',
         factor=0.5, patience=1, by_epoch=True, begin=1),
]
''' + keyed_hooks(
    "[dict(begin=0, trainable=['backbone.lstm.*_l1', 'head']), "
    "dict(begin=1, trainable=['*'], lr_mult=0.2)]", 'hr/mse', 'less', 1e9)


@pytest.mark.slow
def test_kill_and_resume_is_bit_identical(repo_root, aw_data, tmp_path):
    check_exact_resume(
        repo_root, tmp_path, 'configs/apple_watch/lstm_applewatch_finetune_2stage.py',
        BODY, aw_data / 'apple_watch', batch_size=4)
