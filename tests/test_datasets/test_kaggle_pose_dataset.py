"""KagglePoseDataset on the real shared CSVs and on generated ones."""
import logging
import os.path as osp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mmengine.logging import MMLogger

from ftplugin.datasets import KagglePoseDataset
from ftplugin.datasets.transforms.pose_utils import OPENPOSE18_JOINTS

# the header-only files named in ../shared/data/README.md
HEADER_ONLY = ('Fall/Keypoints_CSV/C_M_112_resized_keypoints.csv',
               'No_Fall/Keypoints_CSV/B_M_89_resized_keypoints.csv',
               'No_Fall/Keypoints_CSV/C_D_0204_resized_keypoints.csv',
               'No_Fall/Keypoints_CSV/C_D_0205_resized_keypoints.csv')
CLASSES = {'No_Fall': 0, 'Fall': 1}
OP = {name: i for i, name in enumerate(OPENPOSE18_JOINTS)}

# the first 64-frame window of each file, normalised (what the configs'
# pipelines start with; the dataset yields whole sequences)
WINDOWS = [dict(type='SamplePoseWindows', clip_len=64),
           dict(type='NormalizePoseWindows')]


def coco_name(openpose_name: str) -> str:
    if openpose_name[0] in 'RL' and openpose_name[1].isupper():
        side = 'Right' if openpose_name[0] == 'R' else 'Left'
        return f'{side} {openpose_name[1:]}'
    return openpose_name


def csv_files(root: Path) -> dict:
    """{path: label} of every CSV, by folder name."""
    return {str(p): CLASSES[p.parent.parent.name]
            for p in root.glob('*/Keypoints_CSV/*.csv')}


@pytest.fixture(scope='module')
def kaggle_root(shared_data) -> Path:
    return shared_data / 'kaggle_fall'


@pytest.fixture(scope='module')
def kaggle_all(kaggle_root):
    return KagglePoseDataset(data_root=str(kaggle_root), split='all',
                             pipeline=WINDOWS)


class ListHandler(logging.Handler):

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


# ------------------------------------------------------------- real files
def test_real_all_split(kaggle_root, kaggle_all):
    files = csv_files(kaggle_root)
    assert len(files) == 600
    empty = {str(kaggle_root / f) for f in HEADER_ONLY}
    assert len(kaggle_all) == 596 == len(files) - len(empty)
    names = [kaggle_all.get_data_info(i)['filename']
             for i in range(len(kaggle_all))]
    assert set(names) == set(files) - empty
    assert len(set(names)) == len(names)  # one window per file
    for i in (0, 100, 595):
        sample = kaggle_all[i]
        info = kaggle_all.get_data_info(i)
        assert info['label'] == files[info['filename']]
        kp = sample['keypoint']  # no PackActionInputs: the sample dict
        assert kp.shape == (2, 64, 18)
        assert kp.dtype == np.float32
    labels = [kaggle_all.get_data_info(i)['label']
              for i in range(len(kaggle_all))]
    assert sorted(set(labels)) == [0, 1]
    assert kaggle_all.metainfo['classes'][0] == 'No_Fall'
    assert kaggle_all.metainfo['classes'][1] == 'Fall'
    # 1 header-only Fall file, 3 No_Fall ones
    assert labels.count(1) == 299 and labels.count(0) == 297


def test_real_header_only_files_named_in_error(kaggle_root):
    with pytest.raises(ValueError) as info:
        KagglePoseDataset(data_root=str(kaggle_root), split='all',
                          on_empty='error')
    message = str(info.value)
    for name in HEADER_ONLY:
        assert str(kaggle_root / name) in message, name


def test_real_header_only_files_named_in_one_warning(kaggle_root):
    logger = MMLogger.get_current_instance()
    handler = ListHandler()
    logger.addHandler(handler)
    try:
        ds = KagglePoseDataset(data_root=str(kaggle_root), split='all')
    finally:
        logger.removeHandler(handler)
    assert len(ds) == 596
    warnings = [r.getMessage() for r in handler.records
                if r.levelno == logging.WARNING and 'header' in r.getMessage()]
    assert len(warnings) == 1, warnings
    for name in HEADER_ONLY:
        assert str(kaggle_root / name) in warnings[0]


def test_real_reader_matches_pandas(kaggle_root):
    """read_file against an independent pandas reading of one file."""
    path = sorted((kaggle_root / 'Fall' / 'Keypoints_CSV').glob('*.csv'))[0]
    table = pd.read_csv(path)
    ds = KagglePoseDataset(data_root=str(kaggle_root), lazy_init=True)
    poses, valid = ds.read_file(str(path))
    frames = sorted(table['Frame'].unique())
    assert poses.shape == (len(frames), 18, 2) and valid.shape[0] == len(
        frames)
    first = table[table['Frame'] == frames[0]].set_index('Keypoint')
    neck_x = (first.loc['Left Shoulder', 'X'] +
              first.loc['Right Shoulder', 'X']) / 2
    neck_y = (first.loc['Left Shoulder', 'Y'] +
              first.loc['Right Shoulder', 'Y']) / 2
    np.testing.assert_allclose(poses[0, OP['Neck']], [neck_x, neck_y],
                               rtol=1e-6)
    # every named joint of every frame
    for t, frame in enumerate(frames):
        rows = table[table['Frame'] == frame].set_index('Keypoint')
        for name, slot in OP.items():
            if name == 'Neck':
                continue
            np.testing.assert_allclose(
                poses[t, slot], rows.loc[coco_name(name), ['X', 'Y']]
                .to_numpy(float), rtol=1e-6, err_msg=f'{frame} {name}')
    assert valid.all()  # confidences >= 0 and finite, threshold 0


def pandas_window(path: Path, clip_len=64, clip=5.0) -> np.ndarray:
    """(2, clip_len, 18) from pandas + numpy, following the documented
    pipeline: first clip_len frames (last frame repeated), COCO names onto
    OpenPose-18 (neck = mid-shoulder), centre on the mean neck, divide by
    the median shoulder width, clip."""
    table = pd.read_csv(path)
    frames = sorted(table['Frame'].unique())
    seq = np.zeros((len(frames), 18, 2))
    for t, frame in enumerate(frames):
        rows = table[table['Frame'] == frame].set_index('Keypoint')
        for name, slot in OP.items():
            if name == 'Neck':
                xy = (rows.loc['Left Shoulder', ['X', 'Y']].to_numpy(float) +
                      rows.loc['Right Shoulder', ['X', 'Y']].to_numpy(float)
                      ) / 2
            else:
                xy = rows.loc[coco_name(name), ['X', 'Y']].to_numpy(float)
            seq[t, slot] = xy
    seq = seq[:clip_len]
    if len(seq) < clip_len:
        seq = np.concatenate(
            [seq, np.repeat(seq[-1:], clip_len - len(seq), 0)])
    center = seq[:, OP['Neck']].mean(axis=0)
    width = np.median(np.linalg.norm(
        seq[:, OP['RShoulder']] - seq[:, OP['LShoulder']], axis=-1))
    out = np.clip((seq - center) / max(width, 1.0), -clip, clip)
    return out.transpose(2, 0, 1)


def test_real_samples_match_independent_pipeline(kaggle_root, kaggle_all):
    by_name = {kaggle_all.get_data_info(i)['filename']: i
               for i in range(len(kaggle_all))}
    lengths = {}
    for name in sorted(by_name)[::40]:
        lengths[name] = pd.read_csv(name)['Frame'].nunique()
    long_file = next(n for n, t in lengths.items() if t > 64)
    short_file = next(n for n, t in lengths.items() if t < 64)
    for name in (long_file, short_file):
        sample = kaggle_all[by_name[name]]
        np.testing.assert_allclose(
            sample['keypoint'], pandas_window(Path(name)), rtol=1e-4,
            atol=1e-4, err_msg=name)
        assert sample['total_frames'] == lengths[name]
        assert 'start_frame' not in sample  # one sample per file


@pytest.fixture(scope='module')
def real_splits(kaggle_root):
    """Files selected per split (lazy: no file is read)."""
    def select(split, seed=42, **kwargs):
        ds = KagglePoseDataset(data_root=str(kaggle_root), split=split,
                               split_seed=seed, lazy_init=True, **kwargs)
        return ds.select_files(ds.scan_files())
    return select


def test_real_splits_disjoint_cover_stratified(kaggle_root, real_splits):
    files = csv_files(kaggle_root)
    parts = {s: real_splits(s) for s in ('train', 'val', 'test')}
    sets = {s: {p for p, _ in v} for s, v in parts.items()}
    assert not sets['train'] & sets['val']
    assert not sets['train'] & sets['test']
    assert not sets['val'] & sets['test']
    assert sets['train'] | sets['val'] | sets['test'] == set(files)
    for split, part in parts.items():
        for path, label in part:
            assert files[path] == label
    for label in (0, 1):
        n = sum(1 for v in files.values() if v == label)
        for split, ratio in (('train', .7), ('val', .2), ('test', .1)):
            count = sum(1 for _, lab in parts[split] if lab == label)
            assert abs(count - ratio * n) <= 1, (split, label, count, n)


def test_real_split_seed(real_splits):
    for split in ('train', 'val', 'test'):
        assert real_splits(split, seed=42) == real_splits(split, seed=42)
    assert real_splits('train', seed=42) != real_splits('train', seed=7)
    assert real_splits('test', seed=42) != real_splits('test', seed=7)


def test_real_loaded_splits_are_disjoint(kaggle_root):
    names = {}
    for split in ('train', 'val', 'test'):
        ds = KagglePoseDataset(data_root=str(kaggle_root), split=split)
        names[split] = {ds.get_data_info(i)['filename']
                        for i in range(len(ds))}
    assert sum(len(v) for v in names.values()) == 596
    assert len(set.union(*names.values())) == 596


def test_real_max_samples_per_class(kaggle_root):
    ds = KagglePoseDataset(data_root=str(kaggle_root), split='all',
                           max_samples_per_class=10)
    per_class = {}
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        per_class.setdefault(info['label'], []).append(info['filename'])
    for label, name in ((0, 'No_Fall'), (1, 'Fall')):
        first = sorted(str(p) for p in (
            kaggle_root / name / 'Keypoints_CSV').glob('*.csv'))[:10]
        empty = {str(kaggle_root / f) for f in HEADER_ONLY}
        assert sorted(per_class[label]) == [f for f in first
                                            if f not in empty]
    # the cap applies before the split
    train = KagglePoseDataset(data_root=str(kaggle_root), split='train',
                              max_samples_per_class=10, lazy_init=True)
    selected = train.select_files(train.scan_files())
    assert [lab for _, lab in selected].count(0) == 7
    assert [lab for _, lab in selected].count(1) == 7


# -------------------------------------------------------- generated files
def test_generated_min_keypoint_score(generated_data):
    root = generated_data / 'kaggle_fall'
    path = sorted((root / 'Fall' / 'Keypoints_CSV').glob('S_*.csv'))[0]
    table = pd.read_csv(path)
    ds = KagglePoseDataset(data_root=str(root), lazy_init=True,
                           min_keypoint_score=0.5)
    poses, valid = ds.read_file(str(path))
    frames = sorted(table['Frame'].unique())
    for t, frame in enumerate(frames[:10]):
        rows = table[table['Frame'] == frame].set_index('Keypoint')
        for name, slot in OP.items():
            if name == 'Neck':
                expected = (rows.loc['Left Shoulder', 'Confidence'] >= 0.5 and
                            rows.loc['Right Shoulder', 'Confidence'] >= 0.5)
            else:
                expected = rows.loc[coco_name(name), 'Confidence'] >= 0.5
            assert valid[t, slot] == expected, (frame, name)
            if not expected:
                assert (poses[t, slot] == 0).all()
    # and the normalised sample has exact zeros where joints are invalid
    ds = KagglePoseDataset(data_root=str(root), split='all',
                           min_keypoint_score=0.5, pipeline=WINDOWS)
    assert (np.stack([ds[i]['keypoint']
                      for i in range(len(ds))]) == 0).any()


def test_generated_sample_packs_for_mmaction(generated_data):
    root = generated_data / 'kaggle_fall'
    ds = KagglePoseDataset(data_root=str(root), split='all',
                           pipeline=WINDOWS +
                           [dict(type='PackActionInputs')])
    sample = ds[0]
    assert tuple(sample['inputs'].shape) == (2, 64, 18)
    assert int(sample['data_samples'].gt_label) == ds.get_data_info(0)[
        'label']
    assert osp.basename(ds.get_data_info(0)['filename']).endswith('.csv')
