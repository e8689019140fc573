"""The pose generator (tools/data/kaggle_pose/) writes the real corpora's
formats."""
import json

import numpy as np
import pandas as pd

from ftplugin.datasets.kth_pose_dataset import KTH_ACTIONS
from ftplugin.datasets.transforms.pose_utils import COCO17_JOINTS


def test_kth_files(generated_data, generated_sizes):
    files = sorted((generated_data / 'kth_poses').glob('*.npz'))
    assert len(files) == generated_sizes['kth_videos']
    actions = []
    for path in files:
        with np.load(path) as data:
            poses = data['poses']
            meta = json.loads(str(data['meta']))
            assert poses.dtype == np.float32 and poses.shape[1:] == (18, 2)
            assert data['timestamps'].shape == (len(poses), )
        assert meta['video_id'] == path.stem
        assert meta['frame_count'] == len(poses)
        actions.append(meta['action'])
        assert (poses >= 0).all() and (poses[..., 0] < 160).all()
    assert sorted(set(actions)) == sorted(KTH_ACTIONS)


def test_kaggle_files(generated_data, generated_sizes):
    root = generated_data / 'kaggle_fall'
    empties = 0
    for cls in ('Fall', 'No_Fall'):
        files = sorted((root / cls / 'Keypoints_CSV').glob('*.csv'))
        assert len([f for f in files if f.name.startswith('S_')]) == \
            generated_sizes['kaggle_per_class']
        empty = [f for f in files if f.name.startswith('EMPTY')]
        empties += len(empty)
        assert empty
        assert pd.read_csv(empty[0]).empty
        table = pd.read_csv(files[-1] if files[-1] not in empty else files[0])
        assert list(table.columns) == ['Frame', 'Keypoint', 'X', 'Y',
                                       'Confidence']
        assert set(table['Keypoint']) <= set(COCO17_JOINTS)
        assert table['Confidence'].between(0, 1).all()
    assert empties == generated_sizes['header_only']


def test_generation_is_deterministic(gen_module, tmp_path):
    a = gen_module.generate_kaggle(str(tmp_path / 'a'), 2, 1,
                                   np.random.default_rng(5), verbose=False)
    b = gen_module.generate_kaggle(str(tmp_path / 'b'), 2, 1,
                                   np.random.default_rng(5), verbose=False)
    assert len(a) == len(b) == 5
    for pa, pb in zip(a, b):
        with open(pa, 'rb') as fa, open(pb, 'rb') as fb:
            assert fa.read() == fb.read()
    c = gen_module.generate_kth(str(tmp_path / 'c'), 2,
                                np.random.default_rng(5), verbose=False)
    d = gen_module.generate_kth(str(tmp_path / 'd'), 2,
                                np.random.default_rng(5), verbose=False)
    for pc, pd_ in zip(c, d):
        with open(pc, 'rb') as fc, open(pd_, 'rb') as fd:
            assert fc.read() == fd.read()
