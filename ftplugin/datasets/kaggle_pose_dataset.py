import os.path as osp
from typing import List, Tuple

import numpy as np
from mmaction.registry import DATASETS

from .base_pose_dataset import BasePoseDataset
from .formats.checks import implausible
from .formats.kaggle_keypoint_csv import (KEYPOINTS_FOLDER, class_csv_files,
                                          read_kaggle_csv,
                                          read_kaggle_openpose18)


@DATASETS.register_module()
class KagglePoseDataset(BasePoseDataset):
    """Kaggle fall dataset: ``<data_root>/{Fall,No_Fall}/Keypoints_CSV/*.csv``.

    Each CSV has the columns ``Frame,Keypoint,X,Y,Confidence``: one row per
    detected frame and COCO-17 keypoint, in pixels. Frames without a person are
    absent (their numbers are skipped); the detected frames are taken in order,
    as the original project does. Joints are mapped onto the OpenPose-18 layout
    of the pretrained autoencoder. Label: ``No_Fall`` = 0, ``Fall`` = 1.

    Args:
        min_keypoint_score (float): Joints whose ``Confidence`` is below this
            count as not detected (0 after normalisation). Defaults to 0.0, the
            original project's behaviour (every joint used).
        **kwargs: See :class:`BasePoseDataset`.
    """
    METAINFO = dict(classes=('No_Fall', 'Fall'))

    def __init__(self, min_keypoint_score: float = 0.0, **kwargs) -> None:
        self.min_keypoint_score = min_keypoint_score
        super().__init__(**kwargs)

    def scan_files(self) -> List[Tuple[str, int]]:
        files = []
        for label, name in enumerate(self.metainfo['classes']):
            folder = osp.join(self.data_root, name, KEYPOINTS_FOLDER)
            if not osp.isdir(folder):
                raise FileNotFoundError(
                    f'{folder} not found: a Kaggle pose dataset needs '
                    f'<data_root>/{{Fall,No_Fall}}/Keypoints_CSV/*.csv')
            found, strays = class_csv_files(self.data_root, name)
            if strays:
                implausible(
                    f'{len(strays)} file(s) of class {name!r} look like '
                    f'keypoint CSVs but are not read (only {folder}/*.csv '
                    f'is, lower-case extension): {", ".join(strays)}; '
                    f'rename or move them there', self.on_implausible)
            if not found:
                implausible(
                    f'{folder}: no *.csv file, so class {name!r} has no '
                    f'sample (a model would learn the other class only)',
                    self.on_implausible)
            files += [(path, label) for path in found]
        return files

    def read_file(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        return read_kaggle_openpose18(
            path, self.min_keypoint_score, img_shape=self.img_shape,
            on_implausible=self.on_implausible)[1:]

    def read_skeleton(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        """COCO-17 pixels and the detector's ``Confidence`` (0 where a joint
        is absent or below ``min_keypoint_score``)."""
        poses, score, present = self._read_coco17(path)
        keep = present & (score >= self.min_keypoint_score)
        return poses, np.where(keep, score, 0).astype(np.float32)

    def _read_coco17(self, path: str
                     ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(T, 17, 2) pixels, (T, 17) confidence, (T, 17) bool presence."""
        return read_kaggle_csv(path, self.img_shape, self.on_implausible)[1:]
