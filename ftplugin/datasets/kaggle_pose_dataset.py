import os.path as osp
from typing import List, Tuple

import numpy as np
import pandas as pd
from mmaction.registry import DATASETS

from .base_pose_dataset import BasePoseDataset
from .formats.checks import implausible
from .formats.kaggle_keypoint_csv import KAGGLE_CSV_COLUMNS as CSV_COLUMNS
from .formats.kaggle_keypoint_csv import (KEYPOINTS_FOLDER, class_csv_files,
                                          duplicate_keypoint_rows)
from .formats.keypoint_checks import (check_not_constant,
                                      check_pixel_coordinates)
from .transforms.pose_utils import COCO17_JOINTS, coco17_to_openpose18

_JOINT_INDEX = {name: i for i, name in enumerate(COCO17_JOINTS)}


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
        poses, score, present = self._read_coco17(path)
        return coco17_to_openpose18(
            poses, present & (score >= self.min_keypoint_score))

    def read_skeleton(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        """COCO-17 pixels and the detector's ``Confidence`` (0 where a joint
        is absent or below ``min_keypoint_score``)."""
        poses, score, present = self._read_coco17(path)
        keep = present & (score >= self.min_keypoint_score)
        return poses, np.where(keep, score, 0).astype(np.float32)

    def _read_coco17(self, path: str
                     ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(T, 17, 2) pixels, (T, 17) confidence, (T, 17) bool presence."""
        try:
            table = pd.read_csv(path)
        except pd.errors.EmptyDataError as err:
            raise ValueError(f'{path}: empty file, not even the header '
                             f'{",".join(CSV_COLUMNS)}') from err
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise ValueError(f'{path}: not a readable CSV ({err})') from err
        missing = [c for c in CSV_COLUMNS if c not in table.columns]
        if missing:
            raise ValueError(f'{path}: missing column(s) {missing}; expected '
                             f'{",".join(CSV_COLUMNS)}')
        if table.empty:
            return (np.zeros((0, 17, 2), np.float32),
                    np.zeros((0, 17), np.float32), np.zeros((0, 17), bool))
        for column in ('Frame', 'X', 'Y', 'Confidence'):
            if not pd.api.types.is_numeric_dtype(table[column]):
                raise ValueError(f'{path}: column {column!r} is not numeric')
        joint = table['Keypoint'].map(_JOINT_INDEX)
        if joint.isna().any():
            unknown = sorted(set(table['Keypoint'][joint.isna()]))
            raise ValueError(f'{path}: field Keypoint has unknown name(s) '
                             f'{unknown}; expected the 17 COCO names '
                             f'{list(COCO17_JOINTS)}')
        frames, frame_idx = np.unique(
            table['Frame'].to_numpy(), return_inverse=True)
        joint_idx = joint.to_numpy(dtype=np.int64)
        xy = table[['X', 'Y']].to_numpy(dtype=np.float32)
        self._check_coordinates(path, frames, frame_idx, joint_idx, xy)
        confidence = table['Confidence'].to_numpy(dtype=np.float32)
        poses = np.zeros((len(frames), 17, 2), np.float32)
        score = np.zeros((len(frames), 17), np.float32)
        present = np.zeros((len(frames), 17), bool)
        poses[frame_idx, joint_idx] = xy
        score[frame_idx, joint_idx] = np.nan_to_num(confidence)
        present[frame_idx, joint_idx] = np.isfinite(xy).all(axis=1)
        poses[~present] = 0
        return np.nan_to_num(poses), score, present

    def _check_coordinates(self, path: str, frames: np.ndarray,
                           frame_idx: np.ndarray, joint_idx: np.ndarray,
                           xy: np.ndarray) -> None:
        """Columns X and Y: not empty, one row per frame and keypoint, in
        pixels (not 0-1), not one value throughout."""
        for i, column in enumerate(('X', 'Y')):
            if np.isnan(xy[:, i]).all():
                raise ValueError(
                    f'{path}: column {column!r} is empty in all {len(xy)} '
                    f'rows: every pose would be 0 (a failed export?)')
        pairs = duplicate_keypoint_rows(frame_idx, joint_idx, xy)
        if len(pairs):
            i, j = pairs[0]
            raise ValueError(
                f'{path}: rows {i + 2} and {j + 2} (lines of the file) '
                f'both give Frame {frames[frame_idx[i]]}, Keypoint '
                f'{COCO17_JOINTS[joint_idx[i]]!r}, at different X, Y '
                f'({xy[i, 0]:g}, {xy[i, 1]:g}) and ({xy[j, 0]:g}, '
                f'{xy[j, 1]:g}); {len(pairs)} such duplicate(s): one row '
                f'per frame and keypoint expected (two people in a frame, '
                f'or files appended?)')
        detected = xy[np.isfinite(xy).all(axis=1)]
        check_pixel_coordinates(path, 'columns X, Y', detected,
                                self.img_shape, self.on_implausible)
        check_not_constant(path, ('column X', 'column Y'), detected,
                           self.on_implausible)
