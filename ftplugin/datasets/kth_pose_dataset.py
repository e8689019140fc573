import glob
import json
import os.path as osp
from typing import List, Tuple

import numpy as np
from mmaction.registry import DATASETS

from .base_pose_dataset import BasePoseDataset
from .pose_files import KTH_ACTIONS


@DATASETS.register_module()
class KTHPoseDataset(BasePoseDataset):
    """KTH action poses: ``<data_root>/*.npz`` in OpenPose-COCO-18 order.

    Each file holds ``poses`` float32 (T, 18, 2) in pixels with (0, 0) for a
    joint that was not detected, ``timestamps`` (T,) and ``meta``, a JSON
    string whose ``action`` gives the label (index in :data:`KTH_ACTIONS`).
    Used to pretrain the pose autoencoder (labels are not needed there), by
    default with the original project's sliding windows (``window_stride=32``).

    Args:
        window_stride (int): See :class:`BasePoseDataset`. Defaults to 32.
        **kwargs: See :class:`BasePoseDataset`.
    """
    METAINFO = dict(classes=KTH_ACTIONS)

    def __init__(self, window_stride: int = 32, **kwargs) -> None:
        super().__init__(window_stride=window_stride, **kwargs)

    def scan_files(self) -> List[Tuple[str, int]]:
        paths = sorted(glob.glob(osp.join(self.data_root, '*.npz')))
        if not paths:
            raise FileNotFoundError(f'no .npz pose files in {self.data_root}')
        return [(path, self._action_label(path)) for path in paths]

    def _action_label(self, path: str) -> int:
        with np.load(path) as data:
            if 'meta' in data:
                action = json.loads(str(data['meta'])).get('action')
            else:  # fall back to the KTH file name: personXX_<action>_dY
                action = osp.basename(path).split('_')[1]
        if action not in KTH_ACTIONS:
            raise ValueError(f'{path}: field meta.action is {action!r}, '
                             f'expected one of {KTH_ACTIONS}')
        return KTH_ACTIONS.index(action)

    def read_file(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        with np.load(path) as data:
            if 'poses' not in data:
                raise ValueError(f'{path}: missing field "poses"')
            poses = data['poses'].astype(np.float32)
        if poses.ndim != 3 or poses.shape[1:] != (18, 2):
            raise ValueError(f'{path}: field "poses" has shape {poses.shape},'
                             f' expected (T, 18, 2) in OpenPose-18 order')
        valid = np.isfinite(poses).all(-1) & (poses != 0).any(-1)
        poses[~valid] = 0
        return poses, valid
