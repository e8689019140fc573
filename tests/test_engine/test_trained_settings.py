"""A checkpoint is tested or used for inference with the clips it was
trained on: another clip_len, temperature range or test pipeline than the
training run's (saved by mmengine as meta['cfg']) loads every tensor of a
SlowOnly model and was scored without a word."""
import copy

import pytest
from mmengine.config import Config

from ftplugin.engine.trained_settings import (check_trained_settings,
                                              trained_settings_problems)

THERMAL_CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'
AVA_CFG = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'


@pytest.fixture(scope='module')
def thermal(repo_root):
    cfg = Config.fromfile(str(repo_root / THERMAL_CFG))
    return cfg, dict(cfg=cfg.pretty_text)


def test_the_training_settings_pass(thermal):
    cfg, meta = thermal
    assert trained_settings_problems(cfg, meta, 'x.pth') == []
    # nothing saved (a checkpoint saved outside a run): nothing checked
    assert trained_settings_problems(cfg, {}, 'x.pth') == []


def test_another_clip_or_pipeline_is_named(thermal):
    cfg, meta = thermal
    other = copy.deepcopy(cfg)
    other.test_dataloader.dataset.clip_len = 32
    other.test_dataloader.dataset.temp_range = (0.0, 80.0)
    other.test_dataloader.dataset.pipeline[2].scale = (60, 40)
    clip_len, temp_range, pipeline = trained_settings_problems(
        other, meta, 'x.pth', 'my.py')
    assert clip_len.startswith('my.py: test_dataloader.dataset.clip_len is '
                               '32 but x.pth was trained with 64')
    assert 'pass --cfg-options test_dataloader.dataset.clip_len=64' in (
        clip_len)
    assert 'temp_range is (0.0, 80.0)' in temp_range
    assert pipeline.startswith('my.py: the test pipeline differs from the '
                               'one x.pth was validated with')
    with pytest.raises(ValueError, match='on_implausible'):
        check_trained_settings(other, meta, 'x.pth')
    other.test_dataloader.dataset.on_implausible = 'warn'
    check_trained_settings(other, meta, 'x.pth')  # a warning


def test_ava_custom_frames_per_clip(repo_root):
    cfg = Config.fromfile(str(repo_root / AVA_CFG))
    meta = dict(cfg=cfg.pretty_text)
    other = copy.deepcopy(cfg)
    other.test_dataloader.dataset.frame_num = 8
    (problem, ) = trained_settings_problems(other, meta, 'x.pth')
    assert ('test_dataloader.dataset.frame_num is 8 but x.pth was trained '
            'with 4') in problem


def test_test_data_of_another_frame_size_is_named():
    """tools/test.py scored a 40x60 thermal checkpoint on recordings
    stored (N, W, H) (annotations' width and height swapped to match),
    exit 0."""
    from types import SimpleNamespace

    from ftplugin.engine.trained_settings import frame_shape_problems
    meta = dict(dataset_meta=dict(frame_shape=(40, 60)))

    def data(shape):
        return SimpleNamespace(metainfo=dict(frame_shape=shape),
                               data_prefix=dict(hdf5='/d/frames'))
    assert frame_shape_problems(meta, dict(test=data((40, 60))), 'x') == []
    assert frame_shape_problems({}, dict(test=data((60, 40))), 'x') == []
    (swapped, ) = frame_shape_problems(meta, dict(test=data((60, 40))), 'x')
    assert swapped.startswith('x was trained on frames of 40 x 60 (H x W, '
                              'meta.dataset_meta.frame_shape) but the '
                              'recordings in /d/frames (test) hold 60 x 40')
    assert 'swapped' in swapped
    (other, ) = frame_shape_problems(meta, dict(test=data((80, 120))), 'x')
    assert 'another sensor' in other
    cfg = Config(dict(test_dataloader=dict(dataset=dict(
        type='ThermalHDF5Dataset'))))
    with pytest.raises(ValueError, match='on_implausible'):
        check_trained_settings(cfg, meta, 'x', datasets=dict(
            test=data((60, 40))))


def test_test_data_at_another_frame_rate_is_named():
    """A 6 fps thermal checkpoint tested on recordings at 1.5 fps: each
    window of frames spans 4x the time it was trained on."""
    from types import SimpleNamespace

    from ftplugin.engine.trained_settings import sensor_fps_problems
    meta = dict(dataset_meta=dict(sensor_fps=6.0))

    def data(fps):
        return SimpleNamespace(metainfo=dict(sensor_fps=fps),
                               data_prefix=dict(hdf5='/d/frames'))
    # the real recordings: 5.0 to 6.3 fps
    assert sensor_fps_problems(meta, dict(test=data(5.0)), 'x') == []
    assert sensor_fps_problems({}, dict(test=data(1.5)), 'x') == []
    (slow, ) = sensor_fps_problems(meta, dict(test=data(1.5)), 'x')
    assert slow.startswith('x: the recordings in /d/frames (test, median): '
                           '1.50 frames/s (from "timestamps") but the model '
                           'was trained on 6.00 frames/s')
    assert '4.00x the time' in slow
