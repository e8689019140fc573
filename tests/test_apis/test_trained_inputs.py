"""A checkpoint is scored only on inputs of the kind its training config
gave it (``ftplugin.apis.trained_inputs``)."""
import pytest
from mmengine.config import Config

from ftplugin.apis.trained_inputs import check_trained_inputs
from ftplugin.checkpoint import CheckpointMismatchError

CASES = {
    'configs/butppg/butppg_5ch_scratch.py': (
        'test_dataloader.dataset.window_length', 1000),
    'configs/kaggle_pose/pose_ae_kaggle_scratch.py': (
        'test_dataloader.dataset.pipeline.0.clip_len', 32),
    'configs/apple_watch/lstm_applewatch_scratch.py': (
        'test_dataloader.dataset.hr_input', 'same'),
}


@pytest.mark.parametrize('config', CASES)
def test_another_input_setting_is_refused(repo_root, config):
    trained = Config.fromfile(str(repo_root / config))
    meta = dict(cfg=trained.pretty_text)
    # the training config itself passes, and so does a checkpoint without
    # a saved config (nothing to compare with)
    check_trained_inputs(Config.fromfile(str(repo_root / config)), meta,
                         'x.pth', config)
    key, value = CASES[config]
    other = Config.fromfile(str(repo_root / config))
    other.merge_from_dict({key: value})
    check_trained_inputs(other, {}, 'x.pth', config)
    with pytest.raises(CheckpointMismatchError) as err:
        check_trained_inputs(other, meta, 'x.pth', config)
    message = str(err.value)
    assert 'x.pth' in message and config in message, message
    assert f'{key}=' in message and repr(value) in message, message


def test_reading_settings_that_keep_the_inputs_pass(repo_root):
    """Windows per file and the implausible opt-out change what is read,
    not the kind of input the model gets."""
    config = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
    trained = Config.fromfile(str(repo_root / config))
    other = Config.fromfile(str(repo_root / config))
    other.merge_from_dict({'test_dataloader.dataset.on_implausible': 'warn',
                           'test_dataloader.dataset.pipeline.0.num_clips': 1})
    check_trained_inputs(other, dict(cfg=trained.pretty_text), 'x.pth')
