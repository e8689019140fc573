"""Kaggle fall keypoint files: ``<name>_keypoints.csv`` with the columns
:data:`KAGGLE_CSV_COLUMNS`, one row per (frame, COCO-17 keypoint); frames
without a detected person are left out. Laid out as
``<data_root>/{Fall,No_Fall}/Keypoints_CSV/*.csv``.
"""
import glob
import os.path as osp
from typing import List, Tuple

import numpy as np
import pandas as pd

from ..transforms.pose_utils import COCO17_JOINTS

KAGGLE_CSV_COLUMNS = ('Frame', 'Keypoint', 'X', 'Y', 'Confidence')
KEYPOINTS_FOLDER = 'Keypoints_CSV'


def write_kaggle_csv(path: str, frames: np.ndarray, coords: np.ndarray,
                     scores: np.ndarray) -> None:
    """Write one Kaggle clip as ``Frame,Keypoint,X,Y,Confidence`` rows.

    Args:
        path (str): Output CSV path.
        frames (np.ndarray): (F, ) 1-based numbers of the frames written.
        coords (np.ndarray): (F, 17, 2) pixels in COCO-17 order.
        scores (np.ndarray): (F, 17) confidences in COCO-17 order.
    """
    table = pd.DataFrame(
        dict(
            Frame=np.repeat(frames, len(COCO17_JOINTS)),
            Keypoint=np.tile(COCO17_JOINTS, len(frames)),
            X=coords[..., 0].ravel().round(2),
            Y=coords[..., 1].ravel().round(2),
            Confidence=scores.ravel().round(4)))
    table.to_csv(path, index=False, lineterminator='\n',
                 columns=list(KAGGLE_CSV_COLUMNS))


def class_csv_files(data_root: str, class_name: str
                    ) -> Tuple[List[str], List[str]]:
    """The keypoint files of a class and the files that look like them but
    lie beside the pattern.

    Args:
        data_root (str): The dataset folder.
        class_name (str): ``Fall`` or ``No_Fall``.

    Returns:
        tuple[list[str], list[str]]: ``<data_root>/<class>/Keypoints_CSV/
        *.csv``, sorted; and the CSV files (any case of the extension) that
        are not read: ``*.CSV`` there, or one folder level off (in
        ``<class>/`` or a subfolder of ``Keypoints_CSV/``).
    """
    folder = osp.join(data_root, class_name, KEYPOINTS_FOLDER)
    files = sorted(glob.glob(osp.join(folder, '*.csv')))
    read = set(files)
    strays = [p for pattern in (osp.join(folder, '*'),
                                osp.join(data_root, class_name, '*'),
                                osp.join(folder, '*', '*'))
              for p in glob.glob(pattern)
              if p.lower().endswith('.csv') and p not in read
              and osp.isfile(p)]
    return files, sorted(strays)


def duplicate_keypoint_rows(frame_idx: np.ndarray, joint_idx: np.ndarray,
                            xy: np.ndarray) -> np.ndarray:
    """Rows that give one (Frame, Keypoint) two different positions.

    Args:
        frame_idx (np.ndarray): (n, ) frame index of each row.
        joint_idx (np.ndarray): (n, ) COCO-17 index of each row.
        xy (np.ndarray): (n, 2) its X, Y (NaN for a missed joint).

    Returns:
        np.ndarray: (d, 2) row indices of each such pair, in file order.
    """
    key = frame_idx * len(COCO17_JOINTS) + joint_idx
    order = np.argsort(key, kind='stable')
    first, second = order[:-1], order[1:]
    a, b = xy[first], xy[second]
    same_xy = ((a == b) | (np.isnan(a) & np.isnan(b))).all(axis=1)
    hits = np.flatnonzero((key[first] == key[second]) & ~same_xy)
    return np.stack([first[hits], second[hits]], axis=1)
