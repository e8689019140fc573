"""BasePoseDataset: whole sequences (the pipeline cuts the windows),
sliding windows of pretraining, and the arguments that moved to the
pipeline, on small hand-made KTH-style files."""
import json

import numpy as np
import pytest

from ftplugin.datasets import KTHPoseDataset
from ftplugin.datasets.transforms.pose_utils import normalize_pose_sequence

WINDOWS = [dict(type='SamplePoseWindows', clip_len=64),
           dict(type='NormalizePoseWindows')]


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


def samples_by_file(ds, pipeline=False):
    out = {}
    for i in range(len(ds)):
        info = ds[i] if pipeline else ds.get_data_info(i)
        key = 'long' if 'person01' in info['filename'] else 'short'
        out.setdefault(key, []).append(info)
    return out


def test_one_whole_sequence_per_file(tmp_path, files, mmaction_scope):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=0)
    by_file = samples_by_file(ds)
    assert len(by_file['long']) == len(by_file['short']) == 1
    info = by_file['long'][0]
    np.testing.assert_array_equal(info['keypoint'], files['long'])
    assert info['keypoint_valid'].shape == (200, 18)
    assert info['total_frames'] == 200 and 'start_frame' not in info


def test_pipeline_cuts_and_normalises_the_window(tmp_path, files,
                                                 mmaction_scope):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=0,
                        pipeline=WINDOWS)
    by_file = samples_by_file(ds, pipeline=True)
    expected = normalize_pose_sequence(files['long'][:64],
                                       np.ones((64, 18), bool))
    np.testing.assert_allclose(by_file['long'][0]['keypoint'],
                               expected.transpose(2, 0, 1), rtol=1e-5,
                               atol=1e-6)
    short = by_file['short'][0]['keypoint']
    # the 40 frames, then the last one repeated
    assert short.shape == (2, 64, 18)
    assert (short[:, 40:] == short[:, 39:40]).all()


def test_sliding_windows_cover_the_file(tmp_path, files, mmaction_scope):
    ds = KTHPoseDataset(data_root=str(tmp_path), window_stride=32,
                        clip_len=64, pipeline=WINDOWS)
    long = samples_by_file(ds)['long']
    starts = [w['start_frame'] for w in long]
    assert starts == sorted(set(range(0, 200 - 64 + 1, 32)) | {200 - 64})
    assert all(w['total_frames'] == 200 for w in long)
    # the pipeline takes each sample's own window
    index = [i for i in range(len(ds))
             if 'person01' in ds.get_data_info(i)['filename']][1]
    start = ds.get_data_info(index)['start_frame']
    expected = normalize_pose_sequence(files['long'][start:start + 64],
                                       np.ones((64, 18), bool))
    np.testing.assert_allclose(ds[index]['keypoint'],
                               expected.transpose(2, 0, 1), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize('moved, transform', [
    (dict(sampling='clips', num_clips=4), 'SamplePoseWindows'),
    (dict(torso_ratio=0.5), 'NormalizePoseWindows'),
])
def test_moved_arguments_name_their_transform(tmp_path, files, moved,
                                              transform):
    with pytest.raises(TypeError, match=transform) as err:
        KTHPoseDataset(data_root=str(tmp_path), **moved)
    assert all(name in str(err.value) for name in moved)
