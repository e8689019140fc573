"""Bad files give an error naming the file and the field."""
import json

import numpy as np
import pytest
import torch
from bad_input import (assert_each_reported, assert_implausible,
                       assert_refused, family_config, truncate,
                       validation_problems)

from ftplugin.datasets import AppleWatchDataset


def build(root, **kwargs):
    return AppleWatchDataset(data_root=str(root), split='train', **kwargs)


def expect_error(root, *fragments, exc=ValueError, **kwargs):
    with pytest.raises(exc) as info:
        build(root, **kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_missing_file(tmp_path):
    expect_error(tmp_path, 'train.pt', exc=FileNotFoundError,
                 scaler_file=None)


def test_missing_field(write_split):
    root, _ = write_split(heart_rate=None)
    expect_error(root, 'train.pt', 'heart_rate')


def test_not_a_dict(write_split, tmp_path):
    root, _ = write_split()
    torch.save([torch.zeros(3)], root / 'train.pt')
    expect_error(root, 'train.pt', 'dict')


def test_not_a_tensor_file(write_split):
    root, _ = write_split()
    (root / 'train.pt').write_text('speed,altitude\n1,2\n')
    expect_error(root, 'train.pt', 'not a readable tensor file')


def test_field_not_a_tensor(write_split):
    root, _ = write_split(altitude=[[0.0] * 8] * 3)
    expect_error(root, 'train.pt', "'altitude'", 'tensor')


def test_shapes_disagree(write_split):
    root, _ = write_split(heart_rate=torch.full((3, 7, 1), 120.0))
    expect_error(root, 'train.pt', "'heart_rate'", '(3, 7, 1)')


def test_speed_without_feature_axis(write_split):
    root, _ = write_split(speed=torch.zeros(3, 8))
    expect_error(root, 'train.pt', "'speed'", '(N, T, 1)')


def test_float_lengths(write_split):
    root, _ = write_split(original_lengths=torch.tensor([[8.0], [5.0],
                                                         [3.0]]))
    expect_error(root, 'train.pt', "'original_lengths'", 'int')


def test_zero_length(write_split):
    root, _ = write_split(original_lengths=torch.tensor([[8], [0], [3]]))
    expect_error(root, 'train.pt', "'original_lengths'", 'workout 1')


def test_nan_in_a_valid_step(write_split):
    speed = torch.zeros(3, 8, 1)
    speed[2, 1, 0] = float('nan')
    root, _ = write_split(speed=speed)
    expect_error(root, 'train.pt', "'speed'", 'workout 2', 'step 1')


def test_nan_in_padding_is_filled_with_the_last_valid_value(write_split):
    hr = torch.full((3, 8, 1), 130.0)
    hr[1, 4, 0] = 150.0  # workout 1 has 5 valid steps
    hr[1, 5:, 0] = float('nan')
    root, _ = write_split(heart_rate=hr)
    info = build(root).get_data_info(1)
    np.testing.assert_array_equal(info['heart_rate'][5:, 0], 150.0)
    assert np.isfinite(info['inputs']).all()


def test_scaled_heart_rate_is_refused(write_split):
    hr = torch.from_numpy(np.random.default_rng(0).normal(
        0, 1, (3, 8, 1))).float()
    root, _ = write_split(heart_rate=hr)
    expect_error(root, 'train.pt', "'heart_rate'", 'BPM')


def test_raw_speed_is_refused(write_split):
    root, _ = write_split(speed=torch.full((3, 8, 1), 11.5))
    expect_error(root, 'train.pt', "'speed'", 'z-scored')
    # the check can be turned off for data that is meant to be so
    assert len(build(root, max_abs_mean=None)) == 3


def test_missing_scaler_file(write_split):
    root, _ = write_split(scaler=None)
    expect_error(root, 'scaler_params.json', exc=FileNotFoundError)
    assert len(build(root, scaler_file=None)) == 3


def test_bad_scaler_field(write_split):
    root, _ = write_split(scaler=dict(speed_mean=1.0, speed_std=0.0,
                                      altitude_mean=0.0, altitude_std=1.0))
    expect_error(root, 'scaler_params.json', "'speed_std'")
    (root / 'scaler_params.json').write_text(json.dumps(
        dict(speed_mean=1.0, speed_std=1.0, altitude_mean='x',
             altitude_std=1.0)))
    expect_error(root, 'scaler_params.json', "'altitude_mean'")


# a missing scaler file does not hide the split's own defects
def test_missing_scaler_does_not_hide_field_errors(write_split):
    root, _ = write_split(scaler=None, heart_rate=torch.zeros(3, 8))
    with pytest.raises(ValueError) as err:
        AppleWatchDataset(data_root=str(root), split='train')
    message = str(err.value)
    assert 'scaler_params.json' in message
    assert "field 'heart_rate'" in message and 'train.pt' in message


def test_missing_scaler_alone_is_named(write_split):
    root, _ = write_split(scaler=None)
    with pytest.raises(FileNotFoundError, match='scaler_params.json'):
        AppleWatchDataset(data_root=str(root), split='train')


# The matrix through the family's config: run time (dataset built and read)
# and the validation pass of tools/validate_data.py, each naming file and
# field.
CFG = 'configs/apple_watch/lstm_applewatch_scratch.py'


class Payload:
    """Unpickling it would run code: the loader must refuse it."""

    def __reduce__(self):
        return (print, ('payload ran',))


def payload_file(root):
    torch.save(dict(speed=Payload()), root / 'train.pt')


def swapped(field):
    """Time and feature axes swapped: (N, 1, T)."""
    return {field: torch.zeros(3, 1, 8)}


# defect -> (fields for write_split, or a callable(root) after it, and the
# file and field the error must name)
MATRIX = {
    'truncated': (lambda r: truncate(r / 'train.pt'), 'train.pt',
                  'tensor file'),
    'empty file': (lambda r: truncate(r / 'train.pt', 0), 'train.pt',
                   'tensor file'),
    'code in the pickle': (payload_file, 'train.pt', 'GLOBAL print'),
    'swapped axes': (swapped('speed'), 'train.pt', "'speed'"),
    'text label': (dict(heart_rate=['fast'] * 3), 'train.pt',
                   "'heart_rate'"),
    'integer label': (dict(heart_rate=torch.full((3, 8, 1), 120)),
                      'train.pt', "'heart_rate'"),
    'nan label': (dict(heart_rate=torch.full((3, 8, 1), float('nan'))),
                  'train.pt', "'heart_rate'"),
    'missing key': (dict(original_lengths=None), 'train.pt',
                    'original_lengths'),
    'scaler malformed': (lambda r: truncate(r / 'scaler_params.json'),
                         'scaler_params.json', 'JSON'),
    'scaler missing key': (lambda r: (r / 'scaler_params.json').write_text(
        json.dumps(dict(speed_mean=1.0))), 'scaler_params.json', 'std'),
}


@pytest.mark.parametrize('defect', MATRIX)
def test_config_defect_names_file_and_field(repo_root, write_split,
                                            defect, capsys):
    make, file, field = MATRIX[defect]
    root, _ = write_split(**(make if isinstance(make, dict) else {}))
    if callable(make):
        make(root)
    assert_refused(family_config(repo_root, CFG, root), 'train', file,
                   field)
    assert 'payload ran' not in capsys.readouterr().out


def test_three_broken_files_reported_at_once(repo_root, write_split):
    root, _ = write_split('train', speed=torch.zeros(3, 1, 8))
    write_split('val', heart_rate=torch.full((3, 8, 1), float('nan')))
    write_split('test')
    truncate(root / 'test.pt')
    problems = validation_problems(family_config(repo_root, CFG, root),
                                   ('train', 'val', 'test'))
    assert_each_reported(problems, {'train.pt': "'speed'",
                                    'val.pt': "'heart_rate'",
                                    'test.pt': 'tensor file'})


def workouts(values, n=30, t=20):
    """(n, t, 1) float32 tensor of ``values`` drawn per step."""
    return torch.from_numpy(np.asarray(values, np.float64).reshape(
        n, t, 1)).float()


def big_split(**fields):
    """30 workouts of 20 valid steps (600: enough to judge the training
    split tightly); z-scored speed and altitude unless given."""
    rng = np.random.default_rng(1)
    data = dict(speed=workouts(rng.normal(0, 1, 600)),
                altitude=workouts(rng.normal(0, 1, 600)),
                heart_rate=workouts(rng.uniform(100, 170, 600).round()),
                original_lengths=torch.full((30, 1), 20),
                timestamps=None, userId=None, gender=None)
    data.update(fields)
    return data


RNG = np.random.default_rng(2)
# defect -> (split, fields of big_split, scaler (None: the default), the
# field and the likely cause to be named)
UNITS = {
    'speed in raw m/s': ('train', dict(speed=workouts(RNG.uniform(
        1, 4, 600))), None, "'speed'", 'raw m/s'),
    'altitude in raw km': ('train', dict(altitude=workouts(0.1 + RNG.normal(
        0, 0.02, 600))), None, "'altitude'", 'raw kilometres'),
    'speed z-scored with other statistics': ('train', {}, dict(
        speed_mean=1.0, speed_std=2.0, altitude_mean=100.0,
        altitude_std=20.0), "'speed'", 'other statistics'),
    'val speed in raw km/h': ('val', dict(speed=workouts(RNG.uniform(
        8, 14, 600))), None, "'speed'", 'raw m/s (or km/h)'),
}


@pytest.mark.parametrize('defect', UNITS)
def test_speed_and_altitude_in_another_unit(repo_root, write_split, defect):
    split, fields, scaler, field, cause = UNITS[defect]
    kwargs = dict(scaler=scaler) if scaler else {}
    root, _ = write_split(split, **kwargs, **big_split(**fields))
    assert_implausible(
        family_config(repo_root, CFG, root),
        family_config(repo_root, CFG, root, on_implausible='warn'),
        split, f'{split}.pt', field, cause)


def test_z_scored_data_of_the_generator_pass(aw_data):
    for domain in ('endomondo', 'apple_watch'):
        for split in ('train', 'val', 'test'):
            if (aw_data / domain / f'{split}.pt').is_file():
                AppleWatchDataset(data_root=str(aw_data / domain),
                                  split=split)


def test_no_step_to_score(repo_root, write_split):
    root, _ = write_split(original_lengths=torch.ones(3, 1, dtype=torch.long))
    assert_refused(family_config(repo_root, CFG, root), 'train', 'train.pt',
                   "'original_lengths'")
    # the same lengths score one step each when no previous heart rate is
    # needed
    assert len(build(root, hr_input='none')) == 3


def test_complex_speed(repo_root, write_split):
    root, _ = write_split(speed=torch.zeros(3, 8, 1, dtype=torch.complex64))
    assert_refused(family_config(repo_root, CFG, root), 'train', 'train.pt',
                   "'speed'")
    with pytest.raises(ValueError, match='complex'):
        build(root)
