"""output='skeleton' and the PoseDataset pickle: mmaction2's skeleton format."""
import pickle

import numpy as np
import pandas as pd
import pytest
from mmaction.datasets import PoseDataset

from ftplugin.datasets import KagglePoseDataset, KTHPoseDataset
from ftplugin.datasets.formats.mmaction_pose_pickle import (pose_dataset_pickle,
                                                skeleton_annotation)
from ftplugin.datasets.transforms.pose_utils import COCO17_JOINTS


@pytest.fixture(scope='module')
def skeletons(generated_data):
    return KagglePoseDataset(data_root=str(generated_data / 'kaggle_fall'),
                             output='skeleton')


def test_kaggle_skeleton_is_the_csv_in_coco17_order(skeletons):
    info = skeletons.get_data_info(0)
    table = pd.read_csv(info['filename'])
    frames = sorted(table['Frame'].unique())
    num_frames = len(frames)
    assert info['total_frames'] == num_frames
    assert info['keypoint'].shape == (1, num_frames, 17, 2)
    assert info['keypoint_score'].shape == (1, num_frames, 17)
    assert info['keypoint'].dtype == np.float32
    assert info['label'] == int('/Fall/' in info['filename'])
    assert info['frame_dir'] == info['filename'].split(
        'kaggle_fall/')[1][:-len('.csv')]
    for _, row in table.sample(20, random_state=0).iterrows():
        t = frames.index(row['Frame'])
        j = COCO17_JOINTS.index(row['Keypoint'])
        np.testing.assert_allclose(info['keypoint'][0, t, j],
                                   [row['X'], row['Y']], rtol=1e-5)
        assert info['keypoint_score'][0, t, j] == pytest.approx(
            row['Confidence'], rel=1e-5)


def test_kth_skeleton_drops_the_neck(generated_data):
    kth = KTHPoseDataset(data_root=str(generated_data / 'kth_poses'),
                         output='skeleton', split='all')
    info = kth.get_data_info(0)
    poses = np.load(info['filename'])['poses']
    keypoint = info['keypoint'][0]
    assert keypoint.shape == (len(poses), 17, 2)
    # OpenPose-18 RShoulder (2) is COCO-17 right shoulder (6), LHip 11 -> 11
    np.testing.assert_array_equal(keypoint[:, 6], poses[:, 2])
    np.testing.assert_array_equal(keypoint[:, 11], poses[:, 11])
    detected = (poses[:, 2] != 0).any(-1)
    np.testing.assert_array_equal(info['keypoint_score'][0, :, 6], detected)


def test_pickle_reads_in_mmaction2_pose_dataset(skeletons, tmp_path):
    out = tmp_path / 'kaggle_2d.pkl'
    sizes = pose_dataset_pickle(skeletons, str(out))
    with open(out, 'rb') as f:
        content = pickle.load(f)
    assert sizes['all'] == len(skeletons) == len(content['annotations'])
    assert sizes['train'] + sizes['val'] + sizes['test'] == sizes['all']
    train = PoseDataset(ann_file=str(out), split='train', pipeline=[])
    assert len(train) == sizes['train']
    # the same files as ftplugin's own split='train'
    ours = KagglePoseDataset(data_root=skeletons.data_root, split='train',
                             output='skeleton')
    assert sorted(train.get_data_info(i)['filename'] for i in range(
        len(train))) == sorted(ours.get_data_info(i)['filename']
                               for i in range(len(ours)))
    assert set(content['split']) == {'all', 'train', 'val', 'test'}
    sample = train.get_data_info(0)
    assert sample['keypoint'].shape[::2] == (1, 17)  # (1, T, 17, 2)
    assert sample['keypoint_score'].shape[:2] == sample['keypoint'].shape[:2]


def test_bad_skeleton_shape_names_the_file():
    info = dict(filename='x.csv', label=0, total_frames=3)
    with pytest.raises(ValueError, match=r'x\.csv.*\(T, 17, 2\)'):
        skeleton_annotation(info, np.zeros((3, 18, 2)), np.zeros((3, 18)))
