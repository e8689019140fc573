"""ThermalHDF5Dataset on the real recordings and on generated ones.

Expected clips and labels are computed here from the HDF5 files and the JSON
directly (numpy indexing, collections.Counter), not with the dataset's code.
"""
import json
import pickle
from collections import Counter
from pathlib import Path
from unittest import mock

import h5py
import numpy as np
import pytest
import torch

MISSING = ('SL06_R1', 'SL06_R2')


def expected_clip(h5_path, frame_idx, clip_len=64, low=5.0, high=45.0):
    """Window of ``clip_len`` frames centred as the seed, edge-repeated."""
    with h5py.File(h5_path, 'r') as f:
        raw = f['frames'][:]
    idx = np.clip(np.arange(frame_idx - clip_len // 2,
                            frame_idx - clip_len // 2 + clip_len), 0,
                  len(raw) - 1)
    gray = np.rint((np.clip(raw[idx], low, high) - low) / (high - low) * 255)
    return np.repeat(gray.astype(np.uint8)[..., None], 3, axis=-1)


def expected_samples(root: Path, ann: str, only_present=True):
    """(image, label) of annotated images, label = majority, ties -> min."""
    data = json.loads((root / 'annotations' / ann).read_text())
    cats = {}
    for a in data['annotations']:
        cats.setdefault(a['image_id'], []).append(a['category_id'])
    out = []
    for img in data['images']:
        if img['id'] not in cats:
            continue
        if only_present and not (root / 'frames' /
                                 f'{img["sensor_id"]}.h5').is_file():
            continue
        counts = Counter(cats[img['id']]).most_common()
        top = [c for c, n in counts if n == counts[0][1]]
        out.append((img, min(top)))
    return out


# ---------------------------------------------------------------- real data
def test_real_missing_sensor_files_are_an_error(thermal_real, build_thermal):
    data = json.loads((thermal_real / 'annotations/train.json').read_text())
    per_sensor = Counter(img['sensor_id'] for img in data['images'])
    with pytest.raises(FileNotFoundError) as info:
        build_thermal(thermal_real)
    message = str(info.value)
    for sensor in MISSING:
        assert not (thermal_real / 'frames' / f'{sensor}.h5').exists()
        assert f'{sensor}.h5: {per_sensor[sensor]} sample(s)' in message
    assert 'skip_missing=True' in message
    assert 'train.json' in message


def test_real_skip_missing_warns_once(thermal_real, build_thermal):
    # the shared data checks give the warning (a validation pass records it)
    with mock.patch('ftplugin.datasets.formats.checks.print_log') as log:
        ds = build_thermal(thermal_real, skip_missing=True)
    warnings = [c for c in log.call_args_list
                if c.kwargs.get('level', 20) >= 30]
    assert len(warnings) == 1
    assert all(s in warnings[0].args[0] for s in MISSING)
    expected = expected_samples(thermal_real, 'train.json')
    assert len(ds) == len(expected) > 1000
    assert sorted(Path(p).stem for p in ds.missing) == list(MISSING)
    assert ds.metainfo['classes'][3] == 'lying down-lying with risk'


def test_real_clips_and_labels(thermal_real, build_thermal):
    ds = build_thermal(thermal_real, ann='annotations/val.json',
                       skip_missing=True)
    expected = expected_samples(thermal_real, 'val.json')
    assert [img['id'] for img, _ in expected] == [
        ds.get_data_info(i)['image_id'] for i in range(len(ds))]
    assert ds.labels.tolist() == [label for _, label in expected]
    assert ds.labels.min() >= 0 and ds.labels.max() < 14
    for i in (0, len(ds) // 2, len(ds) - 1):
        img, label = expected[i]
        sample = ds[i]
        assert sample['imgs'].shape == (64, 40, 60, 3)
        assert sample['imgs'].dtype == np.uint8
        assert sample['label'] == label
        np.testing.assert_array_equal(
            sample['imgs'],
            expected_clip(thermal_real / 'frames' / f'{img["sensor_id"]}.h5',
                          img['frame_idx']))
    ds.close()


def test_real_windows_at_recording_edges(thermal_real, build_thermal,
                                         tmp_path):
    h5 = thermal_real / 'frames' / 'SL14_R1.h5'
    with h5py.File(h5, 'r') as f:
        n = len(f['frames'])
    frames = [0, 5, 31, 32, n - 33, n - 32, n - 10, n - 1]
    ann = dict(
        images=[dict(id=f'edge{k}', sensor_id='SL14_R1', frame_idx=k,
                     width=60, height=40) for k in frames],
        annotations=[dict(id=i, image_id=f'edge{k}', category_id=i % 14)
                     for i, k in enumerate(frames)],
        categories=json.loads(
            (thermal_real / 'annotations/train.json').read_text())
        ['categories'])
    (tmp_path / 'edges.json').write_text(json.dumps(ann))
    ds = build_thermal(thermal_real, ann=str(tmp_path / 'edges.json'))
    with h5py.File(h5, 'r') as f:
        edges = [f['frames'][0], f['frames'][n - 1]]
    first, last = (np.rint((np.clip(e, 5, 45) - 5) / 40 * 255).astype(
        np.uint8) for e in edges)
    padded = 0
    for i, k in enumerate(frames):
        clip = ds[i]['imgs']
        np.testing.assert_array_equal(clip, expected_clip(h5, k))
        # frames before / after the recording repeat its first / last one
        pad_front, pad_back = max(0, 32 - k), max(0, k + 32 - n)
        padded += bool(pad_front or pad_back)
        for t in range(pad_front + 1 if pad_front else 0):
            np.testing.assert_array_equal(clip[t, ..., 0], first)
        for t in range(pad_back + 1 if pad_back else 0):
            np.testing.assert_array_equal(clip[63 - t, ..., 0], last)
    assert padded == 5  # 0, 5, 31 at the start; n - 10, n - 1 at the end


def test_real_temp_range_is_configurable(thermal_real, build_thermal):
    ds = build_thermal(thermal_real, ann='annotations/val.json',
                       skip_missing=True, temp_range=(15.0, 35.0),
                       clip_len=16)
    img, _ = expected_samples(thermal_real, 'val.json')[0]
    np.testing.assert_array_equal(
        ds[0]['imgs'],
        expected_clip(thermal_real / 'frames' / f'{img["sensor_id"]}.h5',
                      img['frame_idx'], clip_len=16, low=15.0, high=35.0))


# ---------------------------------------------------------- generated data
def test_generated_dataset_reads(thermal_gen, build_thermal):
    for split in ('train', 'val'):
        ds = build_thermal(thermal_gen, ann=f'annotations/{split}.json')
        expected = expected_samples(thermal_gen, f'{split}.json')
        assert len(ds) == len(expected) > 10
        assert ds.labels.tolist() == [label for _, label in expected]
        img, _ = expected[-1]
        np.testing.assert_array_equal(
            ds[len(ds) - 1]['imgs'],
            expected_clip(thermal_gen / 'frames' / f'{img["sensor_id"]}.h5',
                          img['frame_idx']))


def test_generated_format_matches_the_real_one(thermal_gen):
    with h5py.File(next((thermal_gen / 'frames').glob('*.h5')), 'r') as f:
        assert f['frames'].dtype == np.float32
        assert f['frames'].shape[1:] == (40, 60)
        assert f['frames'].compression == 'gzip'
        assert f['frames'].chunks[0] == 64
        assert f['timestamps'].dtype == np.int64
        assert f['frame_seqs'].dtype == np.int64
        assert f.attrs['total_frames'] == f['frames'].shape[0]
        assert (f.attrs['frame_width'], f.attrs['frame_height']) == (60, 40)
        assert np.all(np.diff(f['timestamps'][:]) > 0)
    data = json.loads((thermal_gen / 'annotations' / 'val.json').read_text())
    assert set(data) == {'images', 'annotations', 'categories', 'info'}
    assert set(data['images'][0]) == {'id', 'sensor_id', 'mac_address',
                                      'timestamp', 'width', 'height',
                                      'frame_idx'}
    assert set(data['annotations'][0]) >= {'id', 'image_id', 'bbox',
                                           'category_id', 'category_name',
                                           'object_id'}
    mapping = json.loads(
        (thermal_gen / 'annotations' / 'class_mapping.json').read_text())
    assert [c['name'] for c in data['categories']] == mapping['classes']
    assert len(mapping['classes']) == 14


def test_labels_must_be_in_range(thermal_gen, build_thermal, tmp_path):
    data = json.loads((thermal_gen / 'annotations' / 'val.json').read_text())
    for bad in (14, -1, '3', 2.0):
        broken = json.loads(json.dumps(data))
        broken['annotations'][1]['category_id'] = bad
        path = tmp_path / f'bad_{bad}.json'
        path.write_text(json.dumps(broken))
        with pytest.raises(ValueError, match='category_id') as info:
            build_thermal(thermal_gen, ann=str(path))
        assert str(path) in str(info.value) and '0..13' in str(info.value)


def test_majority_label_with_ties(thermal_gen, build_thermal, tmp_path):
    data = json.loads((thermal_gen / 'annotations' / 'val.json').read_text())
    data['images'] = data['images'][:3]
    ids = [img['id'] for img in data['images']]
    data['annotations'] = [
        dict(id=k, image_id=i, category_id=c) for k, (i, c) in enumerate(
            [(ids[0], 3), (ids[0], 1), (ids[1], 3), (ids[1], 3), (ids[1], 1),
             (ids[2], 12)])]
    (tmp_path / 'ties.json').write_text(json.dumps(data))
    ds = build_thermal(thermal_gen, ann=str(tmp_path / 'ties.json'))
    assert ds.labels.tolist() == [1, 3, 12]


@pytest.mark.parametrize('field', ['frame_idx', 'sensor_id', 'category_id'])
def test_missing_field_is_named(thermal_gen, build_thermal, tmp_path, field):
    data = json.loads((thermal_gen / 'annotations' / 'val.json').read_text())
    target = data['annotations'] if field == 'category_id' else data['images']
    del target[2][field]
    (tmp_path / 'bad.json').write_text(json.dumps(data))
    with pytest.raises(ValueError, match=f'"{field}"') as info:
        build_thermal(thermal_gen, ann=str(tmp_path / 'bad.json'))
    assert 'bad.json' in str(info.value)


def test_bad_hdf5_and_frame_index_are_named(thermal_gen, build_thermal,
                                            tmp_path):
    data = json.loads((thermal_gen / 'annotations' / 'val.json').read_text())
    sensor = data['images'][0]['sensor_id']
    frames_dir = tmp_path / 'frames'
    frames_dir.mkdir()
    for src in (thermal_gen / 'frames').glob('*.h5'):
        (frames_dir / src.name).symlink_to(src)
    (frames_dir / f'{sensor}.h5').unlink()
    with h5py.File(frames_dir / f'{sensor}.h5', 'w') as f:
        f['temps'] = np.zeros((10, 40, 60), np.float32)
    with pytest.raises(ValueError, match='"frames"') as info:
        build_thermal(thermal_gen, ann='annotations/val.json',
                      data_prefix=dict(hdf5=str(frames_dir)))
    assert f'{sensor}.h5' in str(info.value)

    late = json.loads(json.dumps(data))
    late['images'][0]['frame_idx'] = 10**6
    (tmp_path / 'late.json').write_text(json.dumps(late))
    with pytest.raises(ValueError, match='"frame_idx"') as info:
        build_thermal(thermal_gen, ann=str(tmp_path / 'late.json'))
    assert 'past the end' in str(info.value)


def test_handles_are_per_process_and_not_pickled(thermal_gen, build_thermal):
    ds = build_thermal(thermal_gen, ann='annotations/val.json')
    first = ds[0]['imgs']
    assert len(ds._handles) == 1
    handle = next(iter(ds._handles.values()))
    copy = pickle.loads(pickle.dumps(ds))
    assert copy._handles == {}
    np.testing.assert_array_equal(copy[0]['imgs'], first)
    # as after a fork: another process id never reuses the parent's handle
    ds._handles_pid = -1
    np.testing.assert_array_equal(ds[0]['imgs'], first)
    assert next(iter(ds._handles.values())) is not handle
    assert handle.id.valid  # the "parent's" handle was left alone
    handle.close()
    ds.close()
    copy.close()


def test_forked_workers_read_the_same(thermal_gen, build_thermal):
    ds = build_thermal(thermal_gen, ann='annotations/val.json')
    ds[0]  # the parent holds an open handle when the workers fork
    serial = [ds[i]['imgs'] for i in range(len(ds))]
    loader = torch.utils.data.DataLoader(
        ds, batch_size=None, num_workers=2,
        multiprocessing_context='fork', collate_fn=lambda x: x)
    parallel = [item['imgs'] for item in loader]
    assert len(parallel) == len(serial)
    for a, b in zip(serial, parallel):
        np.testing.assert_array_equal(a, b)
    ds.close()


def test_in_memory_mode_gives_identical_windows(thermal_gen, build_thermal):
    on_disk = build_thermal(thermal_gen)
    in_memory = build_thermal(thermal_gen, in_memory=True)
    assert len(on_disk) == len(in_memory) > 0
    edges = 0
    for i in range(len(on_disk)):
        info = on_disk.get_data_info(i)
        half = on_disk.clip_len // 2
        edges += (info['frame_idx'] < half or
                  info['frame_idx'] + half > info['num_file_frames'])
        np.testing.assert_array_equal(in_memory[i]['imgs'],
                                      on_disk[i]['imgs'])
    assert edges > 0  # padded windows at the recordings' ends compared too
    # every clip came from memory: no file was opened for reading clips
    assert in_memory._handles == {}
    on_disk.close()
