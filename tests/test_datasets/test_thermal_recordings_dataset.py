"""ThermalRecordingsDataset: unlabelled clips of exactly the named
recordings, on generated recordings.

Expected frames are read here with h5py and numpy, not with the dataset's
code.
"""
import json
import shutil
from pathlib import Path
from unittest import mock

import h5py
import numpy as np
import pytest
from mmaction.registry import DATASETS

CLIP_LEN, STRIDE = 64, 16


@pytest.fixture
def recordings(thermal_gen, tmp_path) -> Path:
    """A private copy of the generated dataset (tests may break files)."""
    root = tmp_path / 'thermal'
    shutil.copytree(thermal_gen, root)
    return root


def sensors(root: Path):
    return sorted(p.stem for p in (root / 'frames').glob('*.h5'))


def build(root, **kwargs):
    cfg = dict(type='ThermalRecordingsDataset', data_root=str(root),
               clip_len=CLIP_LEN, stride=STRIDE, pipeline=[])
    cfg.update(kwargs)
    return DATASETS.build(cfg)


def recording_ids(dataset):
    return sorted({dataset.get_data_info(i)['sensor_id']
                   for i in range(len(dataset))})


def file_frames(path) -> np.ndarray:
    with h5py.File(path, 'r') as f:
        return f['frames'][:]


def expected_clip(raw, start, clip_len=CLIP_LEN, low=5.0, high=45.0):
    idx = np.clip(np.arange(start, start + clip_len), 0, len(raw) - 1)
    gray = np.rint((np.clip(raw[idx], low, high) - low) / (high - low) * 255)
    return np.repeat(gray.astype(np.uint8)[..., None], 3, axis=-1)


def assert_same_pixels(clip, expected):
    """Equal up to the rounding of a value on a .5 boundary (float32 order
    of operations)."""
    assert clip.shape == expected.shape
    assert np.abs(clip.astype(int) - expected).max() <= 1
    assert (clip != expected).mean() < 1e-4


def test_samples_every_given_recording_and_never_opens_another(recordings):
    names = sensors(recordings)
    kept, held_out = names[:4], names[4:]
    (recordings / 'pretrain.txt').write_text(
        '# training side\n' + '\n'.join(kept) + '\n')
    for name in held_out:
        # unreadable as HDF5: opening one would fail the test
        (recordings / 'frames' / f'{name}.h5').write_bytes(b'not hdf5')
    opened = []
    real_file = h5py.File

    def spy(path, *args, **kwargs):
        opened.append(Path(path).stem)
        return real_file(path, *args, **kwargs)

    with mock.patch.object(h5py, 'File', spy):
        dataset = build(recordings, split_file='pretrain.txt')
        samples = [dataset[(i, 100 + i)] for i in range(len(dataset))]
    assert set(opened) == set(kept)
    assert sorted({s['sensor_id'] for s in samples}) == kept
    for name in kept:
        num = len(file_frames(recordings / 'frames' / f'{name}.h5'))
        covered = np.zeros(num, dtype=bool)
        for i in range(len(dataset)):
            info = dataset.get_data_info(i)
            if info['sensor_id'] == name:
                covered[info['clip_start']:info['clip_start'] +
                        CLIP_LEN] = True
        assert covered.all(), name


def test_clips_are_the_recordings_frames(recordings):
    names = sensors(recordings)[:2]
    test = build(recordings, recordings=names, test_mode=True)
    raw = {n: file_frames(recordings / 'frames' / f'{n}.h5') for n in names}
    for i in range(len(test)):
        sample = test[i]
        start = sample['clip_start']
        # windows every STRIDE frames, the last ending at the last frame
        assert start % STRIDE == 0 or start == len(
            raw[sample['sensor_id']]) - CLIP_LEN
        assert_same_pixels(sample['imgs'],
                           expected_clip(raw[sample['sensor_id']], start))
        assert 'label' not in sample
    # training: each window moved by [0, STRIDE), inside the recording,
    # drawn from the sample's seed
    train = build(recordings, recordings=names)
    shifts = set()
    for i in range(len(train)):
        a, b = train[(i, 7)], train[(i, 7)]
        assert a['clip_start'] == b['clip_start']
        np.testing.assert_array_equal(a['imgs'], b['imgs'])
        base = train.get_data_info(i)['clip_start']
        num = len(raw[a['sensor_id']])
        assert base <= a['clip_start'] < base + STRIDE
        assert a['clip_start'] <= num - CLIP_LEN
        shifts.add(a['clip_start'] - base)
        assert_same_pixels(
            a['imgs'], expected_clip(raw[a['sensor_id']], a['clip_start']))
    assert len(shifts) > 1
    memory = build(recordings, recordings=names, in_memory=True,
                   test_mode=True)
    for i in range(len(test)):
        np.testing.assert_array_equal(memory[i]['imgs'], test[i]['imgs'])


def test_split_file_json_and_held_out_check(recordings):
    from ftplugin.datasets.converters.thermal_sensor_split import \
        split_by_sensor
    ann = recordings / 'annotations'
    split_by_sensor([str(ann / 'train.json'), str(ann / 'val.json')],
                    str(recordings / 'split'), val_fraction=0.34, seed=0)
    side = {s: sorted({i['sensor_id'] for i in json.loads(
        (recordings / 'split' / f'{s}.json').read_text())['images']})
        for s in ('train', 'val')}
    assert side['train'] and side['val']
    dataset = build(recordings, split_file='split/train.json',
                    held_out=['split/val.json'])
    assert recording_ids(dataset) == side['train']
    # the given split shares its recordings between train and val
    with pytest.raises(ValueError) as info:
        build(recordings, split_file='annotations/train.json',
              held_out=['split/val.json'])
    message = str(info.value)
    for name in side['val']:
        assert f'{name} (held out by' in message
    assert 'training side' in message


def test_bad_arguments_and_missing_files(recordings):
    with pytest.raises(ValueError, match='exactly one of'):
        build(recordings)
    with pytest.raises(ValueError, match='exactly one of'):
        build(recordings, recordings=['SL90_R1'], split_file='x.txt')
    (recordings / 'empty.txt').write_text('# nothing\n')
    with pytest.raises(ValueError, match='empty.txt: names no recording'):
        build(recordings, split_file='empty.txt')
    with pytest.raises(FileNotFoundError, match='SL77_R1.h5'):
        build(recordings, recordings=['SL90_R1', 'SL77_R1'])
    dataset = build(recordings, recordings=['SL90_R1', 'SL77_R1'],
                    skip_missing=True)
    assert recording_ids(dataset) == ['SL90_R1']
    with pytest.raises(TypeError, match='unlabelled'):
        dataset.get_cat_ids(0)


def test_short_recording_gives_one_padded_clip(tmp_path):
    from ftplugin.testing.synthetic.thermal import write_hdf5
    (tmp_path / 'frames').mkdir()
    raw = np.random.default_rng(0).uniform(18, 35, (20, 40, 60)).astype(
        np.float32)
    write_hdf5(str(tmp_path / 'frames' / 'S1.h5'), 'S1', raw,
               np.arange(20) * 160)
    dataset = build(tmp_path, recordings=['S1.h5'], test_mode=True)
    assert len(dataset) == 1
    assert_same_pixels(dataset[0]['imgs'], expected_clip(raw, 0))
