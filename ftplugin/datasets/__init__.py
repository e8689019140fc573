from .base_pose_dataset import BasePoseDataset
from .kaggle_pose_dataset import KagglePoseDataset
from .kth_pose_dataset import KTHPoseDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['BasePoseDataset', 'KagglePoseDataset', 'KTHPoseDataset']
