"""Bad input gives errors that name the file and the field."""
import json
import re

import numpy as np
import pytest

from ftplugin.datasets import KagglePoseDataset, KTHPoseDataset

HEADER = 'Frame,Keypoint,X,Y,Confidence'
NAMES = ('Nose', 'Left Eye', 'Right Eye', 'Left Ear', 'Right Ear',
         'Left Shoulder', 'Right Shoulder', 'Left Elbow', 'Right Elbow',
         'Left Wrist', 'Right Wrist', 'Left Hip', 'Right Hip', 'Left Knee',
         'Right Knee', 'Left Ankle', 'Right Ankle')


def good_rows(frames=3):
    rng = np.random.default_rng(0)
    return [f'{f},{n},{rng.uniform(0, 1000):.2f},{rng.uniform(0, 900):.2f},'
            f'0.9' for f in range(1, frames + 1) for n in NAMES]


def make_kaggle(root, bad_name='bad_keypoints.csv', bad_text=None):
    """A valid two-class layout plus, in Fall, one file with ``bad_text``."""
    for cls in ('Fall', 'No_Fall'):
        folder = root / cls / 'Keypoints_CSV'
        folder.mkdir(parents=True)
        for i in range(2):
            (folder / f'ok_{i}_keypoints.csv').write_text(
                '\n'.join([HEADER] + good_rows()) + '\n')
    bad = root / 'Fall' / 'Keypoints_CSV' / bad_name
    if bad_text is not None:
        bad.write_text(bad_text)
    return bad


def check_message(err, path, field):
    message = str(err.value)
    assert str(path) in message, message
    assert field in message, message


def test_valid_layout_loads(tmp_path):
    make_kaggle(tmp_path)
    ds = KagglePoseDataset(data_root=str(tmp_path), split='all')
    assert len(ds) == 4


def test_missing_column(tmp_path):
    rows = [','.join(r.split(',')[:4]) for r in good_rows()]
    bad = make_kaggle(tmp_path, bad_text='\n'.join(
        ['Frame,Keypoint,X,Y'] + rows) + '\n')
    with pytest.raises(ValueError) as err:
        KagglePoseDataset(data_root=str(tmp_path), split='all')
    check_message(err, bad, 'Confidence')


def test_unknown_keypoint_name(tmp_path):
    rows = good_rows()
    rows[4] = rows[4].replace('Right Ear', 'Tail')
    bad = make_kaggle(tmp_path, bad_text='\n'.join([HEADER] + rows) + '\n')
    with pytest.raises(ValueError) as err:
        KagglePoseDataset(data_root=str(tmp_path), split='all')
    check_message(err, bad, 'Keypoint')
    assert 'Tail' in str(err.value)


def test_non_numeric_x(tmp_path):
    rows = good_rows()
    parts = rows[7].split(',')
    parts[2] = 'abc'
    rows[7] = ','.join(parts)
    bad = make_kaggle(tmp_path, bad_text='\n'.join([HEADER] + rows) + '\n')
    with pytest.raises(ValueError) as err:
        KagglePoseDataset(data_root=str(tmp_path), split='all')
    check_message(err, bad, 'X')
    assert re.search(r"\bX\b", str(err.value).replace(str(bad), ''))


def test_missing_class_folder(tmp_path):
    folder = tmp_path / 'Fall' / 'Keypoints_CSV'
    folder.mkdir(parents=True)
    (folder / 'a_keypoints.csv').write_text(
        '\n'.join([HEADER] + good_rows()) + '\n')
    with pytest.raises(FileNotFoundError) as err:
        KagglePoseDataset(data_root=str(tmp_path), split='all')
    assert str(tmp_path / 'No_Fall' / 'Keypoints_CSV') in str(err.value)


def test_zero_byte_csv_names_the_file(tmp_path):
    bad = make_kaggle(tmp_path, bad_name='zero_keypoints.csv', bad_text='')
    with pytest.raises(ValueError) as err:
        KagglePoseDataset(data_root=str(tmp_path), split='all')
    assert str(bad) in str(err.value)


def save_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def meta(action='walking'):
    return np.array(json.dumps(dict(action=action, video_id='x')))


def make_kth(root):
    for i, action in enumerate(('walking', 'boxing')):
        save_npz(root / f'person0{i}_{action}_d1.npz',
                 poses=np.random.default_rng(i).uniform(
                     1, 100, (80, 18, 2)).astype(np.float32),
                 meta=meta(action))


def test_kth_valid_layout_loads(tmp_path):
    make_kth(tmp_path)
    ds = KTHPoseDataset(data_root=str(tmp_path), split='all')
    # 80 frames, stride 32: windows at 0 and 16
    assert len(ds) == 4


def test_kth_missing_poses(tmp_path):
    make_kth(tmp_path)
    bad = save_npz(tmp_path / 'person09_walking_d1.npz',
                   timestamps=np.zeros(5, np.float32), meta=meta())
    with pytest.raises(ValueError) as err:
        KTHPoseDataset(data_root=str(tmp_path), split='all')
    check_message(err, bad, 'poses')


@pytest.mark.parametrize('shape', [(10, 17, 2), (10, 18, 3), (10, 36)])
def test_kth_wrong_shape(tmp_path, shape):
    make_kth(tmp_path)
    bad = save_npz(tmp_path / 'person09_walking_d1.npz',
                   poses=np.ones(shape, np.float32), meta=meta())
    with pytest.raises(ValueError) as err:
        KTHPoseDataset(data_root=str(tmp_path), split='all')
    check_message(err, bad, 'poses')
    assert str(shape) in str(err.value)


def test_kth_unknown_action(tmp_path):
    make_kth(tmp_path)
    bad = save_npz(tmp_path / 'person09_walking_d1.npz',
                   poses=np.ones((10, 18, 2), np.float32),
                   meta=meta('dancing'))
    with pytest.raises(ValueError) as err:
        KTHPoseDataset(data_root=str(tmp_path), split='all')
    check_message(err, bad, 'action')
    assert 'dancing' in str(err.value)


def test_kth_no_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path))):
        KTHPoseDataset(data_root=str(tmp_path), split='all')


@pytest.mark.parametrize('kwargs,field', [
    (dict(split='holdout'), 'split'),
    (dict(on_empty='ignore'), 'on_empty'),
    (dict(split_ratios=(0.5, 0.2, 0.2)), 'split_ratios'),
])
def test_bad_arguments(tmp_path, kwargs, field):
    make_kaggle(tmp_path)
    with pytest.raises(ValueError, match=field):
        KagglePoseDataset(data_root=str(tmp_path), **kwargs)
