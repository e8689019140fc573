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


def test_the_training_config_itself_passes(repo_root):
    cfg = Config.fromfile(str(repo_root / THERMAL))
    check_input_drift(cfg, _meta(cfg), 'epoch_20.pth', THERMAL)
    # a checkpoint without the training's config has nothing to compare
    check_input_drift(cfg, {}, 'foreign.pth', THERMAL)


def test_locations_and_test_time_choices_are_not_drift(repo_root):
    trained = Config.fromfile(str(repo_root / THERMAL))
    cfg = Config.fromfile(str(repo_root / THERMAL))
    cfg.merge_from_dict({'test_dataloader.dataset.data_root': '/elsewhere',
                         'test_dataloader.dataset.on_implausible': 'warn',
                         'test_dataloader.batch_size': 1})
    assert input_differences(cfg, trained) == []


def test_another_frame_size_is_named_with_both_values(repo_root):
    trained = Config.fromfile(str(repo_root / THERMAL))
    cfg = Config.fromfile(str(repo_root / THERMAL))
    pipeline = cfg.test_dataloader.dataset.pipeline
    resize = next(t for t in pipeline if t['type'] == 'Resize')
    before = list(resize['scale'])
    resize['scale'] = (96, 64)
    with pytest.raises(InputDriftError) as info:
        check_input_drift(cfg, _meta(trained), 'best.pth', THERMAL)
    message = str(info.value)
    assert message.startswith('best.pth was trained reading its data '
                              f'otherwise than {THERMAL} would')
    assert (f'test_pipeline.Resize.scale: trained {before!r}, now [96, 64]'
            in message)
    assert 'load_cfg.allow_input_drift=True' in message
    # the explicit opt-out
    cfg.load_cfg = dict(allow_input_drift=True)
    check_input_drift(cfg, _meta(trained), 'best.pth', THERMAL)


def test_normalisation_and_channel_order_are_compared(repo_root):
    trained = Config.fromfile(str(repo_root / THERMAL))
    cfg = Config.fromfile(str(repo_root / THERMAL))
    cfg.model.data_preprocessor.mean = [0.0, 0.0, 0.0]
    assert [d.split(':')[0] for d in input_differences(cfg, trained)] == [
        'model.data_preprocessor.mean']
    trained = Config.fromfile(str(repo_root / BUTPPG))
    cfg = Config.fromfile(str(repo_root / BUTPPG))
    swapped = list(cfg.test_dataloader.dataset.channels)
    swapped[-2:] = swapped[-1:-3:-1]
    cfg.test_dataloader.dataset.channels = swapped
    (difference, ) = input_differences(cfg, trained)
    assert difference.startswith('dataset.channels: trained')
    assert input_settings(cfg)['dataset.channels'][-2:] == ['ECG', 'PPG']


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
                       match='dataset.window_length: trained 625, now 1250'):
        if route == 'init_model':
            from ftplugin.apis import init_model
            init_model(str(repo_root / BUTPPG), str(checkpoint))
        else:
            from ftplugin.deployment.onnx_export import build_model
            build_model(Config.fromfile(str(repo_root / BUTPPG)),
                        str(checkpoint))


def test_video_clip_settings_are_compared(repo_root):
    """test.py scored a thermal checkpoint on 32-frame clips or another
    temperature range, an ava_custom one on 8 frames per clip."""
    trained = Config.fromfile(str(repo_root / THERMAL))
    cfg = Config.fromfile(str(repo_root / THERMAL))
    cfg.test_dataloader.dataset.clip_len = 32
    cfg.test_dataloader.dataset.temp_range = (0.0, 80.0)
    assert input_differences(cfg, trained) == [
        'dataset.clip_len: trained 64, now 32',
        'dataset.temp_range: trained [5.0, 45.0], now [0.0, 80.0]']
    ava = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'
    trained = Config.fromfile(str(repo_root / ava))
    cfg = Config.fromfile(str(repo_root / ava))
    cfg.test_dataloader.dataset.frame_num = 8
    assert input_differences(cfg, trained) == [
        'dataset.frame_num: trained 4, now 8']
