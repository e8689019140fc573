import glob
import json
import os.path as osp
from typing import List, Optional, Tuple

import numpy as np
from mmaction.registry import DATASETS

from .base_pose_dataset import BasePoseDataset
from .formats.checks import implausible, per_item, read_npz
from .formats.kth_pose_npz import KTH_ACTIONS, read_kth_npz, stray_pose_files


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
        img_shape (tuple[int, int], optional): (height, width) of the videos
            in pixels, given to ``output='skeleton'`` annotations so that
            mmaction2's ``PreNormalize2D`` maps KTH's coordinates to
            [-1, 1] (its default frame is 1080 x 1920). Defaults to
            (120, 160), the KTH videos; None leaves it out.
        **kwargs: See :class:`BasePoseDataset`.
    """
    METAINFO = dict(classes=KTH_ACTIONS)

    def __init__(self,
                 window_stride: int = 32,
                 img_shape: Optional[Tuple[int, int]] = (120, 160),
                 **kwargs) -> None:
        self.img_shape = img_shape
        super().__init__(window_stride=window_stride, **kwargs)

    def scan_files(self) -> List[Tuple[str, int]]:
        paths = sorted(glob.glob(osp.join(self.data_root, '*.npz')))
        strays = stray_pose_files(self.data_root, paths)
        if strays:
            implausible(
                f'{len(strays)} file(s) look like KTH pose files but are '
                f'not read (only {self.data_root}/*.npz is, lower-case '
                f'extension): {", ".join(strays[:20])}; rename or move them '
                f'there', self.on_implausible)
        if not paths:
            raise FileNotFoundError(f'no .npz pose files in {self.data_root}')
        files = []
        for path in paths:
            with per_item(path):
                files.append((path, self._action_label(path)))
        return files

    def _action_label(self, path: str) -> int:
        meta = read_npz(path, optional=('meta', ))
        if 'meta' in meta:
            try:
                action = json.loads(str(meta['meta'])).get('action')
            except (ValueError, AttributeError) as err:
                raise ValueError(f'{path}: field "meta" is not a JSON object '
                                 f'({err})') from err
            where = 'field meta.action'
        else:  # fall back to the KTH file name: personXX_<action>_dY
            parts = osp.basename(path).split('_')
            action = parts[1] if len(parts) >= 3 else None
            where = ('no field "meta", and the file name (expected '
                     'personXX_<action>_dY.npz) gives action')
        if action not in KTH_ACTIONS:
            raise ValueError(f'{path}: {where} {action!r}, expected one of '
                             f'{KTH_ACTIONS}')
        return KTH_ACTIONS.index(action)

    def read_file(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        return read_kth_npz(path, self.img_shape, self.on_implausible)
