"""check_input_drift: a checkpoint is evaluated only with the data settings
its training used (meta['cfg'], written by mmengine)."""
import pytest
from mmengine.config import Config

from ftplugin.apis.input_drift import (InputDriftError, check_input_drift,
                                       input_differences, input_settings)

THERMAL = 'configs/thermal/slowonly_r18_thermal_20e.py'
BUTPPG = 'configs/butppg/butppg_5ch_finetune.py'


def _meta(cfg: Config) -> dict:
    return dict(cfg=cfg.pretty_text)


def _configs(repo_root, config):
    """(the training's config, a copy to change)"""
    return (Config.fromfile(str(repo_root / config)),
            Config.fromfile(str(repo_root / config)))


# one setting per family that the weights fit whatever its value
CASES = {
    'configs/kaggle_pose/pose_ae_kaggle_scratch.py': (
        'test_dataloader.dataset.pipeline.0.clip_len', 64, 32),
    'configs/butppg/butppg_5ch_scratch.py': (
        'test_dataloader.dataset.window_length', 1250, 1000),
    'configs/apple_watch/lstm_applewatch_scratch.py': (
        'test_dataloader.dataset.hr_input', 'previous', 'same'),
    'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py': (
        'test_dataloader.dataset.frame_num', 4, 8),
    THERMAL: ('test_dataloader.dataset.temp_range', [5.0, 45.0],
              [0.0, 80.0]),
}


@pytest.mark.parametrize('config', CASES)
def test_another_input_setting_is_refused_in_every_family(repo_root,
                                                          config):
    trained, cfg = _configs(repo_root, config)
    # the training config itself passes, and so does a checkpoint without
    # a saved config (nothing to compare with)
    check_input_drift(cfg, _meta(trained), 'x.pth', config)
    key, was, now = CASES[config]
    cfg.merge_from_dict({key: now})
    check_input_drift(cfg, {}, 'x.pth', config)
    assert input_differences(cfg, trained) == [(key, was, now)]
    with pytest.raises(InputDriftError) as info:
        check_input_drift(cfg, _meta(trained), 'x.pth', config)
    message = str(info.value)
    assert message.startswith(
        f'x.pth was trained reading its data otherwise than {config} '
        f'would: {key}: trained {was!r}, now {now!r}.'), message
    assert 'load_cfg.allow_input_drift=True' in message
    # the explicit opt-out
    cfg.load_cfg = dict(allow_input_drift=True)
    check_input_drift(cfg, _meta(trained), 'x.pth', config)


def test_the_restoring_options_parse_back(repo_root):
    """The message's --cfg-options give back the trained values."""
    from mmengine.config import DictAction
    trained, cfg = _configs(repo_root, THERMAL)
    cfg.merge_from_dict({'test_dataloader.dataset.temp_range': (0.0, 80.0),
                         'test_dataloader.dataset.clip_len': 32})
    with pytest.raises(InputDriftError) as info:
        check_input_drift(cfg, _meta(trained), 'x.pth', THERMAL)
    options = str(info.value).split('--cfg-options ')[1].split(')')[0]
    parsed = {}
    for option in options.split():
        key, value = option.split('=', 1)
        parsed[key] = DictAction._parse_iterable(value)
    cfg.merge_from_dict(parsed)
    assert input_differences(cfg, trained) == []


def test_locations_and_test_time_choices_are_not_drift(repo_root):
    trained, cfg = _configs(repo_root, THERMAL)
    cfg.merge_from_dict({'test_dataloader.dataset.data_root': '/elsewhere',
                         'test_dataloader.dataset.on_implausible': 'warn',
                         'test_dataloader.batch_size': 1})
    assert input_differences(cfg, trained) == []
    config = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
    trained, cfg = _configs(repo_root, config)
    # windows per file
    cfg.merge_from_dict({'test_dataloader.dataset.pipeline.0.num_clips': 1})
    assert input_differences(cfg, trained) == []


def test_frame_size_normalisation_and_channel_order(repo_root):
    trained, cfg = _configs(repo_root, THERMAL)
    pipeline = cfg.test_dataloader.dataset.pipeline
    index, resize = next((i, t) for i, t in enumerate(pipeline)
                         if t['type'] == 'Resize')
    before = list(resize['scale'])
    resize['scale'] = (96, 64)
    cfg.model.data_preprocessor.mean = [0.0, 0.0, 0.0]
    assert sorted(input_differences(cfg, trained)) == [
        ('model.data_preprocessor.mean', [123.675, 116.28, 103.53],
         [0.0, 0.0, 0.0]),
        (f'test_dataloader.dataset.pipeline.{index}.scale', before,
         [96, 64])]
    trained, cfg = _configs(repo_root, BUTPPG)
    swapped = list(cfg.test_dataloader.dataset.channels)
    swapped[-2:] = swapped[-1:-3:-1]
    cfg.test_dataloader.dataset.channels = swapped
    ((key, _, now), ) = input_differences(cfg, trained)
    assert key == 'test_dataloader.dataset.channels'
    assert now[-2:] == ['ECG', 'PPG']


def test_a_pretraining_config_has_no_settings_to_compare(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/pose_ae_kth_pretrain.py'))
    assert input_settings(cfg) == {}


@pytest.mark.parametrize('route', ['init_model', 'export'])
def test_inference_and_export_check_before_loading(repo_root, tmp_path,
                                                   route):
    import torch
    trained = Config.fromfile(str(repo_root / BUTPPG))
    trained.test_dataloader.dataset.window_length = 625
    checkpoint = tmp_path / 'best.pth'
    torch.save({'state_dict': {}, 'meta': _meta(trained)}, checkpoint)
    with pytest.raises(InputDriftError,
                       match='window_length: trained 625, now 1250'):
        if route == 'init_model':
            from ftplugin.apis import init_model
            init_model(str(repo_root / BUTPPG), str(checkpoint))
        else:
            from ftplugin.deployment.onnx_export import build_model
            build_model(Config.fromfile(str(repo_root / BUTPPG)),
                        str(checkpoint))
