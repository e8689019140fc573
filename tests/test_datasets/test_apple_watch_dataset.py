"""AppleWatchDataset: samples, mask, input modes, scaling."""
import json
import warnings

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS

from ftplugin.datasets import AppleWatchDataset
from ftplugin.datasets.apple_watch_dataset import LEAK_WARNING


def build(root, **kwargs):
    kwargs.setdefault('split', 'train')
    return AppleWatchDataset(data_root=str(root), **kwargs)


def test_registered():
    assert DATASETS.get('AppleWatchDataset') is AppleWatchDataset


def test_samples_follow_the_file(write_split):
    root, data = write_split()
    ds = build(root, hr_input='previous')
    assert len(ds) == 3
    lengths = data['original_lengths'][:, 0].numpy()
    for i in range(3):
        info = ds.get_data_info(i)
        speed = data['speed'][i, :, 0].numpy()
        alt = data['altitude'][i, :, 0].numpy()
        hr = data['heart_rate'][i, :, 0].numpy()
        assert info['inputs'].shape == (8, 3)
        np.testing.assert_array_equal(info['inputs'][:, 0], speed)
        np.testing.assert_array_equal(info['inputs'][:, 1], alt)
        # previous step's heart rate; the first step repeats its own
        np.testing.assert_array_equal(info['inputs'][1:, 2], hr[:-1])
        assert info['inputs'][0, 2] == hr[0]
        np.testing.assert_array_equal(info['heart_rate'][:, 0], hr)
        # valid steps: [:original_length] (all when >= T), minus step 0
        expected = np.arange(8) < min(lengths[i], 8)
        expected[0] = False
        np.testing.assert_array_equal(info['mask'][:, 0], expected)
        assert info['original_length'] == lengths[i]
        assert info['input_features'] == ('speed', 'altitude',
                                          'heart_rate_prev')
        assert info['user_id'] == int(data['userId'][i])
    assert ds.metainfo['scaler']['speed_std'] == 2.0


def test_no_heart_rate_input(write_split):
    root, data = write_split()
    ds = build(root, hr_input='none')
    info = ds.get_data_info(1)
    assert info['inputs'].shape == (8, 2)
    assert info['input_features'] == ('speed', 'altitude')
    # without a heart-rate input every valid step counts, the first too
    np.testing.assert_array_equal(info['mask'][:, 0], np.arange(8) < 5)


def test_same_step_input_warns_loudly_about_the_leak(write_split):
    root, data = write_split()
    with pytest.warns(UserWarning, match='leak'):
        ds = build(root, hr_input='same')
    info = ds.get_data_info(0)
    np.testing.assert_array_equal(info['inputs'][:, 2],
                                  info['heart_rate'][:, 0])
    assert info['input_features'][-1] == 'heart_rate'
    assert 'copy its target' in LEAK_WARNING


def test_default_modes_do_not_warn(write_split):
    root, _ = write_split()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        build(root, hr_input='previous')
        build(root, hr_input='none')


def test_unknown_mode_and_split(write_split):
    root, _ = write_split()
    with pytest.raises(ValueError, match='hr_input'):
        build(root, hr_input='next')
    with pytest.raises(ValueError, match='split'):
        build(root, split='all')


def test_scaler_reference_rescales_to_physical_then_reference(
        write_split, tmp_path_factory):
    root, data = write_split()
    ref_dir = tmp_path_factory.mktemp('ref')
    ref = dict(speed_mean=12.0, speed_std=4.0, altitude_mean=300.0,
               altitude_std=50.0)
    (ref_dir / 'scaler_params.json').write_text(json.dumps(ref))
    ds = build(root, scaler_reference=str(ref_dir / 'scaler_params.json'))
    own = json.loads((root / 'scaler_params.json').read_text())
    info = ds.get_data_info(2)
    kmh = data['speed'][2, :, 0].double().numpy() * own['speed_std'] + own[
        'speed_mean']
    metres = data['altitude'][2, :, 0].double().numpy() * own[
        'altitude_std'] + own['altitude_mean']
    np.testing.assert_allclose(info['inputs'][:, 0], (kmh - 12.0) / 4.0,
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(info['inputs'][:, 1], (metres - 300.0) / 50.0,
                               rtol=1e-5, atol=1e-5)


def test_pack_gives_model_inputs(write_split):
    root, data = write_split()
    ds = build(root, pipeline=[dict(type='PackHeartRateInputs')])
    packed = ds[1]
    assert isinstance(packed['inputs'], torch.Tensor)
    assert packed['inputs'].shape == (8, 3)
    sample = packed['data_samples']
    assert sample.gt_hr.shape == (8, 1) and sample.mask.dtype == torch.bool
    assert int(sample.mask.sum()) == 4  # length 5, step 0 left out
    assert sample.metainfo['input_features'][2] == 'heart_rate_prev'


def test_generated_data_reads_with_every_config_split(aw_data):
    for name in ('endomondo', 'apple_watch'):
        for split in ('train', 'val', 'test'):
            ds = build(aw_data / name, split=split)
            assert len(ds) > 0
            info = ds.get_data_info(0)
            assert info['inputs'].shape == (500, 3)
            assert info['inputs'].dtype == np.float32
