import os.path as osp
from typing import Dict, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..formats.kaggle_keypoint_csv import read_kaggle_openpose18
from ..formats.kth_pose_npz import read_kth_npz

POSE_FILE_EXTENSIONS = ('.csv', '.npz')


def read_pose_file(path: str, min_keypoint_score: float = 0.0,
                   on_implausible: str = 'error'
                   ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Kaggle keypoint CSV or a KTH-style ``.npz`` in OpenPose-18 order
    (``on_implausible``: the readers' ``'error'`` or ``'warn'``).

    Returns:
        tuple: ``frames`` (T, ) the file's frame numbers (the CSV's
        ``Frame``; the index of an ``.npz``), ``poses`` (T, 18, 2) pixels,
        ``valid`` (T, 18).
    """
    ext = osp.splitext(path)[1].lower()
    if ext == '.csv':
        return read_kaggle_openpose18(path, min_keypoint_score,
                                      on_implausible=on_implausible)
    if ext == '.npz':
        poses, valid = read_kth_npz(path, on_implausible=on_implausible)
        return np.arange(len(poses)), poses, valid
    raise ValueError(f'{path}: a pose file is a Kaggle keypoint .csv or a '
                     f'KTH-style .npz, not {ext or "this"}')


@TRANSFORMS.register_module()
class LoadPoseFile(BaseTransform):
    """Read a pose file (``filename``) into the whole sequence a pose
    dataset yields, so that the config's test pipeline
    (``SamplePoseWindows``, ``NormalizePoseWindows``, ``PackActionInputs``)
    runs on a file as mmaction2's ``inference_recognizer(model,
    'clip.csv')`` expects.

    Reads a Kaggle keypoint CSV or a KTH-style ``.npz`` with the training
    readers. ``ftplugin.apis.init_model`` puts it in front of the config's
    test pipeline.

    Required keys: ``filename``.
    Added keys: ``keypoint`` (T, 18, 2) pixels, ``keypoint_valid`` (T, 18),
    ``total_frames`` (T, the frames with a pose).

    Args:
        min_keypoint_score (float): Kaggle joints below count as not
            detected. Defaults to 0.
    """

    def __init__(self, min_keypoint_score: float = 0.0) -> None:
        self.min_keypoint_score = min_keypoint_score

    def transform(self, results: Dict) -> Dict:
        path = results['filename']
        _, poses, valid = read_pose_file(path, self.min_keypoint_score)
        if len(poses) == 0:
            raise ValueError(f'{path}: holds no pose (header only)')
        results['keypoint'] = poses
        results['keypoint_valid'] = valid
        results['total_frames'] = len(poses)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(min_keypoint_score='
                f'{self.min_keypoint_score})')
