"""Bad BUT-PPG data (``{train,val,test}.npz`` windows), built here in
tmp_path: each defect stops the dataset with an error naming the file and
the field, and ``tools/validate_data.py``'s pass reports it the same way,
all defects of a root at once."""
import numpy as np
import pytest
from bad_input import (assert_each_reported, assert_implausible,
                       assert_refused, family_config, is_warning, truncate,
                       validation_problems)

CFG = 'configs/butppg/butppg_5ch_scratch.py'
N, C, T = 4, 5, 1250


def windows(n=N):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, C, T)).astype(np.float32)


def labels(n=N):
    return np.arange(n) % 2


def write(root, split='train', **fields):
    """``<split>.npz`` holding ``fields`` (default: valid windows)."""
    fields = fields or dict(signals=windows(), labels=labels())
    np.savez(root / f'{split}.npz', **fields)


@pytest.fixture
def root(tmp_path):
    for split in ('train', 'val', 'test'):
        write(tmp_path, split)
    return tmp_path



def with_nan():
    signals = windows()
    signals[1, 3, 10] = np.nan
    return signals


def corrupt_member(path):
    """A valid zip whose 'labels' member is not a .npy array."""
    import zipfile
    with zipfile.ZipFile(path, 'w') as z:
        with z.open('signals.npy', 'w') as f:
            np.lib.format.write_array(f, windows())
        z.writestr('labels.npy', b'not an array')


def npy_file(path):
    """One bare array saved with np.save under the .npz name."""
    with open(path, 'wb') as f:
        np.save(f, windows())


# defect -> (how to make it in the root, the field the error must name)
DEFECTS = {
    'npy saved under the npz name': (lambda r: npy_file(r / 'train.npz'),
                                     'np.savez'),
    'complex windows': (lambda r: write(
        r, signals=windows().astype(np.complex64), labels=labels()),
        "'signals' has complex dtype"),
    'truncated': (lambda r: truncate(r / 'train.npz'), '.npz'),
    'empty file': (lambda r: truncate(r / 'train.npz', 0), '.npz'),
    'not npz': (lambda r: (r / 'train.npz').write_text('a,b\n1,2\n'),
                '.npz'),
    'corrupt field': (lambda r: corrupt_member(r / 'train.npz'),
                      "'labels'"),
    'missing file': (lambda r: (r / 'train.npz').unlink(), 'not found'),
    'missing signals': (lambda r: write(r, windows=windows(),
                                        labels=labels()), "'signals'"),
    'missing labels': (lambda r: write(r, signals=windows()), "'labels'"),
    'wrong shape': (lambda r: write(r, signals=windows()[:, :, :1000],
                                    labels=labels()), "'signals'"),
    'two dims': (lambda r: write(r, signals=windows()[:, 0],
                                 labels=labels()), "'signals'"),
    'channels on axis 0': (lambda r: write(
        r, signals=windows(8).transpose(1, 0, 2), labels=labels()),
        "'signals'"),
    'empty windows': (lambda r: write(r, signals=windows()[:0],
                                      labels=labels()[:0]), "'signals'"),
    'nan': (lambda r: write(r, signals=with_nan(), labels=labels()),
            "'signals'"),
    'string signals': (lambda r: write(
        r, signals=np.full((N, C, T), 'x'), labels=labels()), "'signals'"),
    'object signals': (lambda r: write(
        r, signals=np.array([None] * N, dtype=object), labels=labels()),
        "'signals'"),
    'string labels': (lambda r: write(
        r, signals=windows(), labels=np.array(['good'] * N)), "'labels'"),
    'fractional labels': (lambda r: write(
        r, signals=windows(), labels=labels() + 0.5), "'labels'"),
    'nan labels': (lambda r: write(
        r, signals=windows(), labels=np.full(N, np.nan)), "'labels'"),
    'labels out of range': (lambda r: write(
        r, signals=windows(), labels=labels() + 2), "'labels'"),
    'too few labels': (lambda r: write(
        r, signals=windows(), labels=labels(N - 1)), "'labels'"),
    'unknown channel names': (lambda r: write(
        r, signals=windows(), labels=labels(),
        channel_names=np.array(['A', 'B', 'C', 'D', 'E'])), 'channel'),
    # the first of two "PPG" was taken silently
    'a channel named twice': (lambda r: write(
        r, signals=np.concatenate([windows()[:, :1] * 0, windows()], 1),
        labels=labels(), channel_names=np.array(['PPG', 'ACC_X', 'ACC_Y', 'ACC_Z', 'PPG',
                                'ECG'])), "'channel_names'"),
    # windows of the right length at another rate: another span of time
    'another sample rate': (lambda r: write(
        r, signals=windows(), labels=labels(), fs=np.array(250.0)),
        "'fs' is 250.0 Hz"),
}


@pytest.mark.parametrize('defect', DEFECTS)
def test_defect_names_file_and_field(repo_root, root, defect):
    make, field = DEFECTS[defect]
    make(root)
    cfg = family_config(repo_root, CFG, root)
    assert_refused(cfg, 'train', 'train.npz', field)


def test_swapped_time_and_channel_axes_are_read_as_the_same_windows(
        repo_root, root):
    """[N, T, C] is a layout the format allows, not a defect."""
    from mmaction.registry import DATASETS
    write(root, signals=windows().transpose(0, 2, 1), labels=labels())
    cfg = family_config(repo_root, CFG, root)
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, pipeline=[]))
    np.testing.assert_array_equal(dataset[1]['audios'], windows()[1])
    assert validation_problems(cfg) == []


def test_three_broken_files_reported_at_once(repo_root, root):
    truncate(root / 'train.npz')
    write(root, 'val', signals=with_nan(), labels=labels())
    write(root, 'test', signals=windows(), labels=labels() + 0.5)
    problems = validation_problems(family_config(repo_root, CFG, root),
                                   ('train', 'val', 'test'))
    assert_each_reported(problems, {'train.npz': '.npz',
                                    'val.npz': "'signals'",
                                    'test.npz': "'labels'"})


def with_flat_ppg():
    signals = windows()
    signals[:, 3] = 0.0  # PPG: a disconnected sensor
    return signals


def test_a_constant_channel_needs_the_opt_out(repo_root, root):
    write(root, signals=with_flat_ppg(), labels=labels())
    assert_implausible(
        family_config(repo_root, CFG, root),
        family_config(repo_root, CFG, root, on_implausible='warn'),
        'train', 'train.npz', "'signals'", 'PPG (= 0)')


def raw_units(signals):
    """Channels on a sensor's own scale (PPG in ADC counts, ...)."""
    gain = np.array([2.0, 2.0, 2.0, 300.0, 0.5])[None, :, None]
    offset = np.array([0.0, 0.0, 9.8, 2000.0, 0.1])[None, :, None]
    return (signals * gain + offset).astype(np.float32)


def z_scored_per_channel(signals):
    mean = signals.mean(axis=(0, 2), keepdims=True)
    return ((signals - mean) / signals.std(axis=(0, 2), keepdims=True)
            ).astype(np.float32)


def test_a_split_z_scored_alone_is_refused(repo_root, root):
    write(root, signals=raw_units(windows()), labels=labels())
    write(root, 'val', signals=z_scored_per_channel(raw_units(windows(8))),
          labels=labels(8))
    for mode, warning in (('error', False), ('warn', True)):
        problems = validation_problems(
            family_config(repo_root, CFG, root, on_implausible=mode),
            ('train', 'val'))
        hits = [p for p in problems if 'val.npz' in p and "'PPG'" in p]
        assert hits and all(is_warning(p) == warning for p in hits)
        assert 'looks z-scored per channel' in hits[0]
        assert 'train.npz' in hits[0]
    # the training split alone is fine
    assert validation_problems(family_config(repo_root, CFG, root)) == []


def test_vitaldb_constant_channel(tmp_path):
    from ftplugin.datasets import VitalDBWindowsDataset
    data = np.random.default_rng(0).normal(size=(4, 2, 1250))
    data[:, 1] = 0.3  # ECG
    np.savez(tmp_path / 'train_windows.npz', data=data.astype(np.float32))
    with pytest.raises(ValueError) as err:
        VitalDBWindowsDataset(data_root=str(tmp_path))
    message = str(err.value)
    assert 'train_windows.npz' in message and "'data'" in message
    assert 'ECG (= 0.3)' in message
