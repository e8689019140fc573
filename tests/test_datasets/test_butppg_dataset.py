"""BUTPPGDataset / VitalDBWindowsDataset: formats, fallback, errors."""
import logging

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.logging import MMLogger

# one torch thread: several times faster on the shared 2-core machine
pytestmark = pytest.mark.usefixtures('one_thread')

CHANNELS = ('ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG')


def write(path, **fields):
    np.savez(path, **fields)
    return path


def windows(n=6, t=1250, seed=0):
    rng = np.random.default_rng(seed)
    signals = rng.normal(size=(n, 5, t)).astype(np.float32)
    signals += np.arange(5, dtype=np.float32)[None, :, None] * 10
    return signals, (np.arange(n) % 2).astype(np.int64)


def build(root, split='train', **kwargs):
    return DATASETS.build(dict(type='BUTPPGDataset', data_root=str(root),
                               split=split, **kwargs))


def stacked(dataset):
    return np.stack([dataset.get_data_info(i)['audios']
                     for i in range(len(dataset))])


@pytest.mark.parametrize('key', ['signals', 'data'])
@pytest.mark.parametrize('layout', ['NCT', 'NTC'])
def test_layouts_and_keys_give_the_same_windows(tmp_path, key, layout):
    signals, labels = windows()
    stored = signals if layout == 'NCT' else signals.transpose(0, 2, 1)
    write(tmp_path / 'train.npz', **{key: stored, 'labels': labels})
    dataset = build(tmp_path)
    assert len(dataset) == 6
    np.testing.assert_array_equal(stacked(dataset), signals)
    assert [dataset.get_data_info(i)['label'] for i in range(6)] == \
        labels.tolist()
    # statistics over every window and sample of the split, per channel
    np.testing.assert_allclose(dataset.channel_mean,
                               signals.mean(axis=(0, 2)), rtol=1e-5)
    np.testing.assert_allclose(dataset.channel_std,
                               signals.std(axis=(0, 2)), rtol=1e-5)


def test_channel_names_select_and_order(tmp_path):
    signals, labels = windows()
    write(tmp_path / 'train.npz', signals=signals, labels=labels)
    two = build(tmp_path, channels=('ECG', 'PPG'))
    np.testing.assert_array_equal(stacked(two), signals[:, [4, 3]])
    # a file that names its channels is read by name, whatever its order
    order = ['PPG', 'ECG', 'ACC_Z', 'ACC_Y', 'ACC_X']
    write(tmp_path / 'train.npz', signals=signals[:, [3, 4, 2, 1, 0]],
          labels=labels, channel_names=np.array(order))
    np.testing.assert_array_equal(stacked(build(tmp_path)), signals)


def test_val_falls_back_to_test_with_a_warning(tmp_path):
    signals, labels = windows()
    write(tmp_path / 'test.npz', signals=signals, labels=labels)
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        dataset = build(tmp_path, split='val')
    finally:
        logger.removeHandler(handler)
    np.testing.assert_array_equal(stacked(dataset), signals)
    warnings = [r.getMessage() for r in records
                if r.levelno == logging.WARNING]
    assert any('val.npz not found' in w and 'test.npz' in w
               for w in warnings), warnings
    with pytest.raises(FileNotFoundError, match='val.npz'):
        build(tmp_path, split='val', val_fallback=False)
    # no fallback for the test split itself
    (tmp_path / 'test.npz').unlink()
    with pytest.raises(FileNotFoundError, match='test.npz'):
        build(tmp_path, split='test')


@pytest.mark.parametrize('fields, error, match', [
    (dict(windows=0), KeyError, "no field 'signals' or 'data'"),
    (dict(signals=0), KeyError, "no field 'labels'"),
    (dict(signals='2d', labels=0), ValueError, "'signals' has shape"),
    (dict(signals='4ch', labels=0), ValueError, '5 channels'),
    # 5 samples of 5 channels: which axis is which cannot be told
    (dict(signals='square', labels=0), ValueError, '5 channels'),
    (dict(signals='short', labels=0), ValueError, 'expected 1250'),
    (dict(signals=0, labels='few'), ValueError, "'labels' has shape"),
    (dict(signals=0, labels='three'), ValueError, 'outside 0..1'),
    (dict(signals=0, labels='fraction'), ValueError, 'integer class'),
    (dict(signals='nan', labels=0), ValueError, 'NaN/inf'),
    (dict(signals=0, labels=0, channel_names='other'), ValueError,
     r"\['ACC_X', 'ACC_Y', 'ACC_Z'\] not in"),
])
def test_bad_files_name_the_file_and_field(tmp_path, fields, error, match):
    signals, labels = windows()
    variants = dict(
        signals={0: signals, '2d': signals[:, 0], '4ch': signals[:, :4],
                 'square': signals[..., :5],
                 'short': signals[..., :1000],
                 'nan': np.where(np.arange(1250) == 7, np.nan, signals)},
        windows={0: signals},
        labels={0: labels, 'few': labels[:3], 'three': labels + 1,
                'fraction': labels + 0.5},
        channel_names={'other': np.array(['PPG', 'ECG', 'X', 'Y', 'Z'])})
    path = write(tmp_path / 'train.npz',
                 **{k: variants[k][v] for k, v in fields.items()})
    with pytest.raises(error, match=match) as info:
        build(tmp_path)
    assert str(path) in str(info.value)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='train.npz'):
        build(tmp_path)
    (tmp_path / 'train.npz').write_text('not a zip')
    with pytest.raises(ValueError, match='train.npz: not a readable'):
        build(tmp_path)


def test_float_labels_with_integer_values_are_accepted(tmp_path):
    signals, labels = windows()
    write(tmp_path / 'train.npz', signals=signals,
          labels=labels.astype(np.float32)[:, None])
    assert [build(tmp_path).get_data_info(i)['label']
            for i in range(6)] == labels.tolist()


def test_vitaldb_windows(tmp_path):
    signals, _ = windows()
    two = signals[:, 3:]
    write(tmp_path / 'train_windows.npz', data=two.transpose(0, 2, 1))
    dataset = DATASETS.build(dict(type='VitalDBWindowsDataset',
                                  data_root=str(tmp_path), split='train'))
    np.testing.assert_array_equal(stacked(dataset), two)
    assert 'label' not in dataset.get_data_info(0)
    with pytest.raises(FileNotFoundError, match='val_windows.npz'):
        DATASETS.build(dict(type='VitalDBWindowsDataset',
                            data_root=str(tmp_path), split='val'))


def test_pipeline_packs_window_and_label(tmp_path):
    signals, labels = windows()
    write(tmp_path / 'train.npz', signals=signals, labels=labels)
    dataset = build(tmp_path, pipeline=[dict(type='PackActionInputs')])
    sample = dataset[1]
    np.testing.assert_array_equal(sample['inputs'].numpy(), signals[1])
    assert int(sample['data_samples'].gt_label) == 1


def test_truncated_npz_names_the_file(butppg_data, tmp_path):
    import shutil
    root = tmp_path / 'truncated'
    shutil.copytree(butppg_data, root)
    victim = root / 'train.npz'
    data = victim.read_bytes()
    victim.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match=str(victim)) as err:
        build(root)
    assert 'truncated or corrupt' in str(err.value)
