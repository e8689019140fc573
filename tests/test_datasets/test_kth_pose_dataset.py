"""KTHPoseDataset on the real shared npz files and on generated ones."""
import json
from collections import Counter

import numpy as np
import pytest

from ftplugin.datasets import KTHPoseDataset

# the first 64-frame window at each sample's start, normalised (what the configs'
# pipelines start with; the dataset yields whole sequences)
WINDOWS = [dict(type='SamplePoseWindows', clip_len=64),
           dict(type='NormalizePoseWindows')]


def original_window_count(num_frames: int, length: int = 64,
                      stride: int = 32) -> int:
    """The seed's pretraining windows: every ``stride`` frames plus one that
    ends at the last frame; a short sequence gives one (padded) window."""
    if num_frames <= length:
        return 1
    starts = set(range(0, num_frames - length + 1, stride))
    starts.add(num_frames - length)
    return len(starts)


@pytest.fixture(scope='module')
def kth_root(shared_data):
    return shared_data / 'kth_poses'


@pytest.fixture(scope='module')
def kth_all(kth_root):
    return KTHPoseDataset(data_root=str(kth_root), split='all',
                          pipeline=WINDOWS)


@pytest.fixture(scope='module')
def kth_files(kth_root):
    info = {}
    for path in sorted(kth_root.glob('*.npz')):
        with np.load(path) as data:
            info[str(path)] = (len(data['poses']),
                               json.loads(str(data['meta']))['action'])
    return info


def test_real_window_count_and_labels(kth_all, kth_files):
    assert len(kth_files) == 599
    expected = sum(original_window_count(t) for t, _ in kth_files.values())
    assert len(kth_all) == expected
    per_file = Counter()
    classes = kth_all.metainfo['classes']
    for i in range(len(kth_all)):
        info = kth_all.get_data_info(i)
        per_file[info['filename']] += 1
        num_frames, action = kth_files[info['filename']]
        assert classes[info['label']] == action
        assert info['total_frames'] == num_frames
        assert 0 <= info['start_frame'] <= max(num_frames - 64, 0)
    for path, (num_frames, _) in kth_files.items():
        assert per_file[path] == original_window_count(num_frames), path
    assert set(classes) == {a for _, a in kth_files.values()}


def test_real_samples(kth_all):
    for i in (0, len(kth_all) // 2, len(kth_all) - 1):
        info = kth_all[i]
        kp = info['keypoint']
        assert kp.shape == (2, 64, 18) and kp.dtype == np.float32
        assert np.isfinite(kp).all() and np.abs(kp).max() <= 5
        # undetected joints (0, 0 in the file) are exactly 0
        with np.load(info['filename']) as data:
            raw = data['poses'][info['start_frame']:info['start_frame'] + 64]
        if len(raw) < 64:
            raw = np.concatenate([raw, np.repeat(raw[-1:], 64 - len(raw), 0)])
        missing = (raw == 0).all(-1)  # (64, 18)
        assert missing.any()
        assert (kp[:, missing] == 0).all()
        assert (kp[:, ~missing] != 0).any(axis=0).mean() > 0.9


def test_real_windows_follow_the_file(kth_all):
    """Two overlapping windows of one file: on their shared frames one is an
    affine function of the other (each window has its own centre and scale,
    the same scale for x and y)."""

    def unclipped(info):
        return (np.abs(info['keypoint']) >= 5).mean() < 0.02

    index = next(i for i in range(len(kth_all) - 1)
                 if kth_all.get_data_info(i)['start_frame'] == 0 and
                 kth_all.get_data_info(i + 1)['start_frame'] == 32 and
                 unclipped(kth_all[i]) and unclipped(kth_all[i + 1]))
    info0, info1 = kth_all[index], kth_all[index + 1]
    assert info0['filename'] == info1['filename']
    with np.load(info0['filename']) as data:
        raw = data['poses']
    assert len(raw) >= 96
    valid = (raw[32:64] != 0).any(-1)  # (32, 18)
    a = info0['keypoint'][:, 32:64]  # frames 32..63 of the file
    b = info1['keypoint'][:, 0:32]
    slopes = []
    for c in range(2):
        xa, xb = a[c][valid], b[c][valid]
        keep = (np.abs(xa) < 5) & (np.abs(xb) < 5)  # not clipped
        slope, intercept = np.polyfit(xa[keep], xb[keep], 1)
        np.testing.assert_allclose(xb[keep], slope * xa[keep] + intercept,
                                   atol=1e-3)
        slopes.append(slope)
    assert slopes[0] > 0
    np.testing.assert_allclose(slopes[0], slopes[1], rtol=1e-3)


def test_real_split_by_file(kth_root):
    names = {}
    for split in ('train', 'val'):
        ds = KTHPoseDataset(data_root=str(kth_root), split=split,
                            split_ratios=(0.9, 0.1, 0.0))
        names[split] = {ds.get_data_info(i)['filename']
                        for i in range(len(ds))}
    assert not names['train'] & names['val']
    assert len(names['train'] | names['val']) == 599
    assert abs(len(names['val']) - 60) <= 6


def test_generated_meta_and_stride(generated_data):
    root = generated_data / 'kth_poses'
    ds = KTHPoseDataset(data_root=str(root), split='all', window_stride=0)
    files = sorted(root.glob('*.npz'))
    assert len(ds) == len(files)  # stride 0: one window per file
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        with np.load(info['filename']) as data:
            action = json.loads(str(data['meta']))['action']
        assert ds.metainfo['classes'][info['label']] == action
