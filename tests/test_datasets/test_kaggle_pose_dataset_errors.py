"""Bad kaggle_pose data, built here in tmp_path: the Kaggle keypoint CSVs of
the fine-tuning and the KTH pose ``.npz`` files of the pretraining. Each
defect stops the dataset with an error naming the file and the field, and
``tools/validate_data.py``'s pass reports it the same way, all defects of a
root at once. (A NaN or empty coordinate is a joint the detector missed, in
both formats: read as absent, not a defect.)"""
import json
import zipfile

import numpy as np
import pytest
from bad_input import (assert_each_reported, assert_implausible,
                       assert_refused, family_config, read_all,
                       truncate, validation_problems)

from ftplugin.datasets.formats.kth_pose_npz import save_kth_npz
from ftplugin.datasets.formats.kaggle_keypoint_csv import write_kaggle_csv

KAGGLE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
KTH_CFG = 'configs/kaggle_pose/pose_ae_kth_pretrain.py'
FALL = 'Fall/Keypoints_CSV'


def kaggle_csv(path, frames=3, seed=0):
    rng = np.random.default_rng(seed)
    write_kaggle_csv(str(path), np.arange(1, frames + 1),
                     rng.uniform(1, 500, (frames, 17, 2)),
                     rng.uniform(0.5, 1, (frames, 17)))


@pytest.fixture
def kaggle_root(tmp_path):
    """Two classes of three clips each."""
    for cls in ('Fall', 'No_Fall'):
        folder = tmp_path / cls / 'Keypoints_CSV'
        folder.mkdir(parents=True)
        for i in range(3):
            kaggle_csv(folder / f'clip{i}_keypoints.csv', seed=i)
    return tmp_path


def edit_lines(path, change):
    lines = path.read_text().splitlines()
    change(lines)
    path.write_text('\n'.join(lines) + '\n')


def set_cell(column, value, row=1):
    def change(lines):
        header = lines[0].split(',')
        cells = lines[row].split(',')
        cells[header.index(column)] = value
        lines[row] = ','.join(cells)
    return change


CSV = f'{FALL}/clip0_keypoints.csv'
# defect -> (how to make it, the field the error must name)
KAGGLE_DEFECTS = {
    'empty file': (lambda r: truncate(r / CSV, 0), 'header'),
    'binary': (lambda r: (r / CSV).write_bytes(b'\xff\xfe\0\x81' * 50),
               'CSV'),
    'ragged line': (lambda r: edit_lines(
        r / CSV, lambda ls: ls.insert(3, ls[3] + ',1,2,3')), 'CSV'),
    'missing column': (lambda r: edit_lines(
        r / CSV, lambda ls: ls.__setitem__(0, ls[0].replace('Y', 'Z'))),
        "'Y'"),
    'text coordinate': (lambda r: edit_lines(r / CSV, set_cell('X', 'abc')),
                        "'X'"),
    'text frame': (lambda r: edit_lines(r / CSV, set_cell('Frame', 'one')),
                   "'Frame'"),
    'text confidence': (lambda r: edit_lines(
        r / CSV, set_cell('Confidence', 'high')), "'Confidence'"),
    'unknown keypoint': (lambda r: edit_lines(
        r / CSV, set_cell('Keypoint', 'Tail')), 'Keypoint'),
    'header only': (lambda r: edit_lines(r / CSV, lambda ls: ls.__delitem__(
        slice(1, None))), 'header only'),
    'empty X column': (lambda r: edit_lines(r / CSV, lambda ls: ls.__setitem__(
        slice(1, None), [drop_cell(line, 2) for line in ls[1:]])), "'X'"),
    'duplicate rows, other coordinates': (lambda r: edit_lines(
        r / CSV, lambda ls: ls.append(moved(ls[1]))), 'Keypoint'),
    # a time in seconds as frame numbers (windows named wrongly)
    'fractional frame': (lambda r: edit_lines(r / CSV, set_cell(
        'Frame', '1.5')), "'Frame' is 1.5"),
}


def drop_cell(line, index):
    cells = line.split(',')
    cells[index] = ''
    return ','.join(cells)


def moved(line):
    """The row again, 5 pixels to the right: one keypoint at two places."""
    cells = line.split(',')
    cells[2] = str(float(cells[2]) + 5)
    return ','.join(cells)


@pytest.mark.parametrize('defect', KAGGLE_DEFECTS)
def test_kaggle_defect_names_file_and_field(repo_root, kaggle_root, defect):
    make, field = KAGGLE_DEFECTS[defect]
    make(kaggle_root)
    # every file in one split; a header-only file is an error, not skipped
    cfg = family_config(repo_root, KAGGLE_CFG, kaggle_root, split='all',
                        on_empty='error')
    assert_refused(cfg, 'train', CSV, field)


def test_kaggle_duplicate_rows_name_both_lines(kaggle_root):
    edit_lines(kaggle_root / CSV, lambda ls: ls.append(moved(ls[1])))
    from ftplugin.datasets import KagglePoseDataset
    with pytest.raises(ValueError) as err:
        KagglePoseDataset(data_root=str(kaggle_root), split='all')
    # line 2 is the first row, the appended copy the last
    assert 'rows 2 and 53' in str(err.value), str(err.value)
    assert "'Nose'" in str(err.value)


def test_kaggle_identical_duplicate_rows_are_harmless(repo_root,
                                                      kaggle_root):
    edit_lines(kaggle_root / CSV, lambda ls: ls.append(ls[1]))
    cfg = family_config(repo_root, KAGGLE_CFG, kaggle_root, split='all')
    assert validation_problems(cfg) == []


def normalised(path):
    """X / 1000, Y / 1000: coordinates within 0-1."""
    def change(lines):
        for i, line in enumerate(lines[1:], 1):
            cells = line.split(',')
            cells[2:4] = [str(float(c) / 1000) for c in cells[2:4]]
            lines[i] = ','.join(cells)
    edit_lines(path, change)


def constant_y(path):
    def change(lines):
        for i, line in enumerate(lines[1:], 1):
            cells = line.split(',')
            cells[3] = '240.0'
            lines[i] = ','.join(cells)
    edit_lines(path, change)


def scaled_column(path, index, factor):
    def change(lines):
        for i, line in enumerate(lines[1:], 1):
            cells = line.split(',')
            cells[index] = str(float(cells[index]) * factor)
            lines[i] = ','.join(cells)
    edit_lines(path, change)


def stray(root, where):
    """A copy of a good file put beside the expected pattern."""
    (root / where).write_bytes(
        (root / f'{FALL}/clip1_keypoints.csv').read_bytes())


# defect -> (how to make it, the file and the field to be named, the cause)
KAGGLE_IMPLAUSIBLE = {
    'normalised coordinates': (lambda r: normalised(r / CSV), CSV,
                               'columns X, Y', 'normalised to 0-1'),
    'constant column': (lambda r: constant_y(r / CSV), CSV, 'column Y',
                        'in all 51 detected keypoints'),
    'upper-case extension': (lambda r: stray(r, f'{FALL}/clip9.CSV'),
                             f'{FALL}/clip9.CSV', 'Keypoints_CSV/*.csv',
                             'not read'),
    'one folder level up': (lambda r: stray(r, 'Fall/clip9.csv'),
                            'Fall/clip9.csv', 'Keypoints_CSV/*.csv',
                            'not read'),
    'one folder level down': (lambda r: (r / FALL / 'more').mkdir() or stray(
        r, f'{FALL}/more/clip9.csv'), f'{FALL}/more/clip9.csv',
        'Keypoints_CSV/*.csv', 'not read'),
    'empty class folder': (lambda r: [p.unlink() for p in (
        r / FALL).glob('*.csv')], FALL, 'no *.csv file', "class 'Fall'"),
    # these were read silently
    'confidence in percent': (lambda r: scaled_column(r / CSV, 4, 100), CSV,
                              "column 'Confidence'", 'percent'),
    'negative confidence': (lambda r: scaled_column(r / CSV, 4, -1), CSV,
                            "column 'Confidence'", 'undetected'),
    'mirrored x': (lambda r: scaled_column(r / CSV, 2, -1), CSV,
                   'columns X, Y', 'negative x'),
    'a keypoint in no frame': (lambda r: edit_lines(
        r / CSV, lambda ls: ls.__setitem__(slice(None), [
            line for line in ls if ',Left Ankle,' not in line])), CSV,
        'field Keypoint', "['Left Ankle'] have no position"),
}


@pytest.mark.parametrize('defect', KAGGLE_IMPLAUSIBLE)
def test_kaggle_implausible_needs_the_opt_out(repo_root, kaggle_root,
                                              defect):
    make, file, field, cause = KAGGLE_IMPLAUSIBLE[defect]
    make(kaggle_root)
    assert_implausible(
        family_config(repo_root, KAGGLE_CFG, kaggle_root, split='all'),
        family_config(repo_root, KAGGLE_CFG, kaggle_root, split='all',
                      on_implausible='warn'),
        'train', file, field, cause)


def test_kaggle_stray_files_are_not_read_with_the_opt_out(kaggle_root):
    from ftplugin.datasets import KagglePoseDataset
    stray(kaggle_root, f'{FALL}/clip9.CSV')
    dataset = KagglePoseDataset(data_root=str(kaggle_root), split='all',
                                on_implausible='warn')
    assert len(dataset) == 6  # the three files of each class, no more


def test_kaggle_three_broken_files_reported_at_once(repo_root, kaggle_root):
    edit_lines(kaggle_root / CSV, set_cell('X', 'abc'))
    truncate(kaggle_root / f'{FALL}/clip1_keypoints.csv', 0)
    edit_lines(kaggle_root / 'No_Fall/Keypoints_CSV/clip2_keypoints.csv',
               set_cell('Keypoint', 'Tail'))
    problems = validation_problems(family_config(
        repo_root, KAGGLE_CFG, kaggle_root, split='all'))
    assert_each_reported(problems, {
        CSV: "'X'", f'{FALL}/clip1_keypoints.csv': 'header',
        'No_Fall/Keypoints_CSV/clip2_keypoints.csv': 'Keypoint'})


def kth_file(path, poses=None, action='walking'):
    poses = (np.random.default_rng(0).uniform(1, 100, (40, 18, 2))
             if poses is None else poses)
    save_kth_npz(str(path), poses, np.arange(len(poses)) / 25.0,
                 dict(action=action, video_id=path.stem))


@pytest.fixture
def kth_root(tmp_path):
    for i, action in enumerate(('walking', 'boxing', 'running')):
        kth_file(tmp_path / f'person0{i}_{action}_d1.npz', action=action)
    return tmp_path


NPZ = 'person00_walking_d1.npz'


def kth_corrupt_member(path, field):
    """A valid zip whose ``field`` member is not a .npy array."""
    good = dict(poses=np.ones((40, 18, 2)), meta=meta('walking'))
    with zipfile.ZipFile(path, 'w') as z:
        for name, value in good.items():
            with z.open(f'{name}.npy', 'w') as f:
                if name == field:
                    f.write(b'not an array')
                else:
                    np.lib.format.write_array(f, value)


def meta(action):
    return np.array(json.dumps(dict(action=action)))


KTH_DEFECTS = {
    'truncated': (lambda r: truncate(r / NPZ), '.npz'),
    'empty file': (lambda r: truncate(r / NPZ, 0), '.npz'),
    'corrupt meta': (lambda r: kth_corrupt_member(r / NPZ, 'meta'),
                     "'meta'"),
    'corrupt poses': (lambda r: kth_corrupt_member(r / NPZ, 'poses'),
                      "'poses'"),
    'missing poses': (lambda r: np.savez(r / NPZ, meta=meta('walking')),
                      'poses'),
    'swapped axes': (lambda r: kth_file(r / NPZ, np.ones(
        (40, 2, 18), np.float32)), '"poses"'),
    'text poses': (lambda r: np.savez(r / NPZ, meta=meta('walking'),
                                      poses=np.full((40, 18, 2), 'x')),
                   '"poses"'),
    'meta not json': (lambda r: np.savez(
        r / NPZ, poses=np.ones((40, 18, 2)), meta=np.array('{walking')),
        '"meta"'),
    'label type': (lambda r: kth_file(r / NPZ, action=3), 'meta.action'),
    'unknown label': (lambda r: kth_file(r / NPZ, action='dancing'),
                      'meta.action'),
}


@pytest.mark.parametrize('defect', KTH_DEFECTS)
def test_kth_defect_names_file_and_field(repo_root, kth_root, defect):
    make, field = KTH_DEFECTS[defect]
    make(kth_root)
    cfg = family_config(repo_root, KTH_CFG, kth_root, split='all')
    assert_refused(cfg, 'train', NPZ, field)


def test_kth_17_joints_names_the_layout(repo_root, kth_root):
    kth_file(kth_root / NPZ, np.random.default_rng(0).uniform(
        1, 100, (40, 17, 2)))
    cfg = family_config(repo_root, KTH_CFG, kth_root, split='all')
    assert_refused(cfg, 'train', NPZ, '"poses"')
    with pytest.raises(ValueError, match='COCO-17'):
        read_all(cfg.train_dataloader.dataset)


def test_kth_complex_poses(repo_root, kth_root):
    kth_file(kth_root / NPZ, np.random.default_rng(0).uniform(
        1, 100, (40, 18, 2)).astype(np.complex64))
    cfg = family_config(repo_root, KTH_CFG, kth_root, split='all')
    assert_refused(cfg, 'train', NPZ, 'complex')


def kth_stray(root, where):
    (root / where).parent.mkdir(exist_ok=True)
    (root / where).write_bytes((root / NPZ).read_bytes())


KTH_IMPLAUSIBLE = {
    'normalised coordinates': (lambda r: kth_file(
        r / NPZ, np.random.default_rng(0).uniform(0.01, 1, (40, 18, 2))),
        NPZ, '"poses"', 'normalised to 0-1'),
    'outside the frame': (lambda r: kth_file(
        r / NPZ, np.random.default_rng(0).uniform(1, 1000, (40, 18, 2))),
        NPZ, '"poses"', 'outside the 160x120 frame'),
    'negative y': (lambda r: kth_file(
        r / NPZ, np.random.default_rng(0).uniform(-100, 10, (40, 18, 2))),
        NPZ, '"poses"', 'negative'),
    'constant x': (lambda r: kth_file(r / NPZ, np.stack(np.broadcast_arrays(
        50.0, np.random.default_rng(0).uniform(1, 100, (40, 18))), -1)),
        NPZ, '"poses" x', 'in all 720 detected keypoints'),
    'upper-case extension': (lambda r: kth_stray(
        r, 'person09_walking_d1.NPZ'), 'person09_walking_d1.NPZ', '*.npz',
        'not read'),
    'one folder level down': (lambda r: kth_stray(
        r, 'more/person09_walking_d1.npz'), 'more/person09_walking_d1.npz',
        '*.npz', 'not read'),
}


@pytest.mark.parametrize('defect', KTH_IMPLAUSIBLE)
def test_kth_implausible_needs_the_opt_out(repo_root, kth_root, defect):
    make, file, field, cause = KTH_IMPLAUSIBLE[defect]
    make(kth_root)
    assert_implausible(
        family_config(repo_root, KTH_CFG, kth_root, split='all'),
        family_config(repo_root, KTH_CFG, kth_root, split='all',
                      on_implausible='warn'),
        'train', file, field, cause)


def test_kth_three_broken_files_reported_at_once(repo_root, kth_root):
    truncate(kth_root / NPZ)
    kth_file(kth_root / 'person01_boxing_d1.npz', action='dancing')
    kth_file(kth_root / 'person02_running_d1.npz',
             np.ones((40, 2, 18), np.float32))
    problems = validation_problems(family_config(repo_root, KTH_CFG,
                                                 kth_root, split='all'))
    assert_each_reported(problems, {
        NPZ: '.npz', 'person01_boxing_d1.npz': 'meta.action',
        'person02_running_d1.npz': '"poses"'})
