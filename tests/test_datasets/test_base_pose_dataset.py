"""BasePoseDataset windowing options, on small hand-made KTH-style files."""
import json

import numpy as np
import pytest

from ftplugin.datasets import KTHPoseDataset
from ftplugin.datasets.transforms.pose_utils import normalize_pose_sequence


def write_file(folder, name, num_frames, action='walking', seed=0):
    rng = np.random.default_rng(seed)
    poses = rng.uniform(10, 150, (num_frames, 18, 2)).astype(np.float32)
    np.savez(folder / name, poses=poses,
             meta=np.array(json.dumps(dict(action=action))))
    return poses


@pytest.fixture
def files(tmp_path):
    return {
        'long': write_file(tmp_path, 'person01_walking_d1.npz', 200),
        'short': write_file(tmp_path, 'person02_boxing_d1.npz', 40,
                            action='boxing', seed=1),
    }


def windows_by_file(ds):
    out = {}
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        key = 'long' if 'person01' in info['filename'] else 'short'
        out.setdefault(key, []).append(info)
    return out


def test_first_window(tmp_path, files):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=0, clip_len=64)
    by_file = windows_by_file(ds)
    assert len(by_file['long']) == len(by_file['short']) == 1
    long = by_file['long'][0]
    valid = np.ones((64, 18), bool)
    expected = normalize_pose_sequence(files['long'][:64], valid)
    np.testing.assert_allclose(long['keypoint'], expected.transpose(2, 0, 1),
                               rtol=1e-5, atol=1e-6)
    short = by_file['short'][0]['keypoint']
    # the 40 frames, then the last one repeated
    assert (short[:, 40:] == short[:, 39:40]).all()


def test_uniform_window_spans_the_file(tmp_path, files):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=0,
                        clip_len=64, sampling='uniform')
    frames = ds.window_frames(200)
    assert len(frames) == 1
    idx = np.asarray(frames[0])
    assert len(idx) == 64 and idx[0] == 0 and idx[-1] == 199
    steps = np.diff(idx)
    assert (steps > 0).all() and steps.max() - steps.min() <= 1
    long = windows_by_file(ds)['long'][0]
    expected = normalize_pose_sequence(files['long'][idx],
                                       np.ones((64, 18), bool))
    np.testing.assert_allclose(long['keypoint'], expected.transpose(2, 0, 1),
                               rtol=1e-5, atol=1e-6)
    # a short file is padded exactly as with 'first'
    first = KTHPoseDataset(data_root=str(tmp_path), window_stride=0,
                           clip_len=64)
    np.testing.assert_array_equal(
        windows_by_file(ds)['short'][0]['keypoint'],
        windows_by_file(first)['short'][0]['keypoint'])


def test_sliding_windows_cover_the_file(tmp_path, files):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=32,
                        clip_len=64)
    long = windows_by_file(ds)['long']
    starts = [w['start_frame'] for w in long]
    assert starts == sorted(set(range(0, 200 - 64 + 1, 32)) | {200 - 64})
    assert all(w['total_frames'] == 200 for w in long)


@pytest.mark.parametrize('kwargs', [
    dict(sampling='nearest'),
    dict(sampling='uniform', window_stride=32),
    dict(sampling='random', window_stride=32),
    dict(sampling='first', window_stride=0, num_clips=3),
])
def test_bad_sampling_arguments(tmp_path, files, kwargs):
    with pytest.raises(ValueError, match='sampling'):
        KTHPoseDataset(data_root=str(tmp_path), **kwargs)


def test_clips_cover_the_whole_file_in_one_sample(tmp_path, files):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=0,
                        clip_len=64, sampling='clips', num_clips=4)
    by_file = windows_by_file(ds)
    # one sample per file, whatever its length
    assert len(by_file['long']) == len(by_file['short']) == 1
    long = by_file['long'][0]['keypoint']
    assert long.shape == (4, 2, 64, 18)
    valid = np.ones((64, 18), bool)
    # first window starts at 0, last one ends at the last frame
    for clip, start in zip(long, [0, 45, 91, 136]):
        expected = normalize_pose_sequence(files['long'][start:start + 64],
                                           valid)
        np.testing.assert_allclose(clip, expected.transpose(2, 0, 1),
                                   rtol=1e-5, atol=1e-6)
    short = by_file['short'][0]['keypoint']
    assert short.shape == (4, 2, 64, 18)
    np.testing.assert_array_equal(short[0], short[3])


def test_random_windows_move_over_the_file(tmp_path, files):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=0,
                        clip_len=64, sampling='random')
    idx = [i for i in range(len(ds))
           if 'person01' in ds.get_data_info(i)['filename']][0]
    np.random.seed(0)
    seen = {ds.get_data_info(idx)['keypoint'].tobytes() for _ in range(20)}
    assert len(seen) > 5
    starts = {int(ds.window_frames(200)[0][0]) for _ in range(200)}
    assert min(starts) >= 0 and max(starts) <= 200 - 64
    assert len(starts) > 50
    assert ds.get_data_info(idx)['keypoint'].shape == (2, 64, 18)
