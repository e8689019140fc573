from .apple_watch_dataset import AppleWatchDataset
from .ava_custom_dataset import AVACustomDataset
from .base_pose_dataset import BasePoseDataset
from .base_signal_dataset import BaseSignalDataset
from .butppg_dataset import BUTPPGDataset
from .kaggle_pose_dataset import KagglePoseDataset
from .kth_pose_dataset import KTHPoseDataset
from .samplers import ClassBalancedSampler, SeededIndexSampler
from .seeded_sample_mixin import SeededSampleMixin
from .thermal_hdf5_dataset import ThermalHDF5Dataset
from .thermal_recordings_dataset import ThermalRecordingsDataset
from .transforms import *  # noqa: F401,F403
from .vitaldb_windows_dataset import VitalDBWindowsDataset

__all__ = ['AppleWatchDataset', 'AVACustomDataset', 'BasePoseDataset', 'KagglePoseDataset',
           'KTHPoseDataset',
           'BaseSignalDataset', 'BUTPPGDataset', 'VitalDBWindowsDataset',
           'ThermalHDF5Dataset', 'ThermalRecordingsDataset', 'ClassBalancedSampler',
           'SeededIndexSampler', 'SeededSampleMixin']
