import os.path as osp
from typing import Dict, List, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..formats.kaggle_keypoint_csv import read_kaggle_openpose18
from ..formats.kth_pose_npz import read_kth_npz
from .pose_utils import pose_window, window_frames

POSE_FILE_EXTENSIONS = ('.csv', '.npz')


def read_pose_file(path: str, min_keypoint_score: float = 0.0
                   ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Kaggle keypoint CSV or a KTH-style ``.npz`` in OpenPose-18 order.

    Returns:
        tuple: ``frames`` (T, ) the file's frame numbers (the CSV's
        ``Frame``; the index of an ``.npz``), ``poses`` (T, 18, 2) pixels,
        ``valid`` (T, 18).
    """
    ext = osp.splitext(path)[1].lower()
    if ext == '.csv':
        return read_kaggle_openpose18(path, min_keypoint_score)
    if ext == '.npz':
        poses, valid = read_kth_npz(path)
        return np.arange(len(poses)), poses, valid
    raise ValueError(f'{path}: a pose file is a Kaggle keypoint .csv or a '
                     f'KTH-style .npz, not {ext or "this"}')


def cut_pose_windows(poses: np.ndarray, valid: np.ndarray, clip_len: int,
                     sampling: str = 'first', num_clips: int = 1,
                     torso_ratio: float = 0.0
                     ) -> Tuple[np.ndarray, List[np.ndarray]]:
    """The (W, 2, clip_len, 18) normalised windows a pose dataset takes
    from one sequence, and their frame indices."""
    frames = window_frames(len(poses), clip_len, sampling, num_clips)
    windows = np.stack([pose_window(poses, valid, idx, clip_len,
                                    torso_ratio) for idx in frames])
    return windows.astype(np.float32), frames


@TRANSFORMS.register_module()
class LoadPoseWindows(BaseTransform):
    """Read a pose file (``filename``) into the test windows of a pose
    dataset, so that a test pipeline starts from a file (mmaction2's
    ``inference_recognizer(model, 'clip.csv')``).

    Reads a Kaggle keypoint CSV or a KTH-style ``.npz`` with the training
    readers and cuts the windows as :class:`BasePoseDataset` does with the
    same arguments: ``keypoint`` (2, clip_len, 18), or (num_clips, 2,
    clip_len, 18); ``total_frames`` the frames with a pose.
    ``ftplugin.apis.init_model`` builds it from the config's test dataset.

    Args:
        clip_len (int): Frames per window. Defaults to 64.
        sampling (str): ``'first'``, ``'uniform'`` or ``'clips'``.
            Defaults to ``'first'``.
        num_clips (int): Windows with ``sampling='clips'``. Defaults to 1.
        torso_ratio (float): See ``normalize_pose_sequence``. Defaults to 0.
        min_keypoint_score (float): Kaggle joints below count as not
            detected. Defaults to 0.
    """

    def __init__(self, clip_len: int = 64, sampling: str = 'first',
                 num_clips: int = 1, torso_ratio: float = 0.0,
                 min_keypoint_score: float = 0.0) -> None:
        self.clip_len = clip_len
        self.sampling = sampling
        self.num_clips = num_clips
        self.torso_ratio = torso_ratio
        self.min_keypoint_score = min_keypoint_score

    def transform(self, results: Dict) -> Dict:
        path = results['filename']
        _, poses, valid = read_pose_file(path, self.min_keypoint_score)
        if len(poses) == 0:
            raise ValueError(f'{path}: holds no pose (header only)')
        windows, _ = cut_pose_windows(poses, valid, self.clip_len,
                                      self.sampling, self.num_clips,
                                      self.torso_ratio)
        results['keypoint'] = windows[0] if self.num_clips == 1 else windows
        results['total_frames'] = len(poses)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'sampling={self.sampling!r}, num_clips={self.num_clips})')
