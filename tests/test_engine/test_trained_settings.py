"""A thermal checkpoint is tested on recordings of the frame size and frame
rate it was trained on (meta.dataset_meta.frame_shape / sensor_fps). The
config's own clip settings: tests/test_apis/test_input_drift.py."""
import pytest
from mmengine.config import Config

from ftplugin.engine.trained_settings import check_trained_settings


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
