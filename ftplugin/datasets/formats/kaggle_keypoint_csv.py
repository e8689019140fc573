"""Kaggle fall keypoint files: ``<name>_keypoints.csv`` with the columns
:data:`KAGGLE_CSV_COLUMNS`, one row per (frame, COCO-17 keypoint); frames
without a detected person are left out.
"""
from typing import Tuple

import numpy as np
import pandas as pd

from ..transforms.pose_utils import COCO17_JOINTS, coco17_to_openpose18

KAGGLE_CSV_COLUMNS = ('Frame', 'Keypoint', 'X', 'Y', 'Confidence')
_JOINT_INDEX = {name: i for i, name in enumerate(COCO17_JOINTS)}


def read_kaggle_csv(path: str
                    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read one Kaggle keypoint CSV; errors name the file and the column.

    The detected frames are taken in order (frames without a person are
    absent from the file, as in the original project).

    Args:
        path (str): The CSV.

    Returns:
        tuple: ``frames`` (T, ) the file's ``Frame`` numbers, ``poses``
        (T, 17, 2) pixels, ``score`` (T, 17) confidences and ``present``
        (T, 17) bool, COCO-17 order; T = 0 for a header-only file.
    """
    try:
        table = pd.read_csv(path)
    except pd.errors.EmptyDataError as err:
        raise ValueError(f'{path}: empty file, not even the header '
                         f'{",".join(KAGGLE_CSV_COLUMNS)}') from err
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not a readable CSV ({err})') from err
    missing = [c for c in KAGGLE_CSV_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f'{path}: missing column(s) {missing}; expected '
                         f'{",".join(KAGGLE_CSV_COLUMNS)}')
    if table.empty:
        return (np.zeros((0, ), np.int64), np.zeros((0, 17, 2), np.float32),
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
    confidence = table['Confidence'].to_numpy(dtype=np.float32)
    poses = np.zeros((len(frames), 17, 2), np.float32)
    score = np.zeros((len(frames), 17), np.float32)
    present = np.zeros((len(frames), 17), bool)
    poses[frame_idx, joint_idx] = xy
    score[frame_idx, joint_idx] = np.nan_to_num(confidence)
    present[frame_idx, joint_idx] = np.isfinite(xy).all(axis=1)
    poses[~present] = 0
    return frames, np.nan_to_num(poses), score, present


def read_kaggle_openpose18(path: str, min_keypoint_score: float = 0.0
                           ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Kaggle CSV in the OpenPose-18 layout of the pose autoencoder.

    Args:
        path (str): The CSV.
        min_keypoint_score (float): Joints whose ``Confidence`` is below
            count as not detected.

    Returns:
        tuple: ``frames`` (T, ) the file's ``Frame`` numbers, ``poses``
        (T, 18, 2) pixels and ``valid`` (T, 18) bool.
    """
    frames, poses, score, present = read_kaggle_csv(path)
    return (frames, ) + tuple(coco17_to_openpose18(
        poses, present & (score >= min_keypoint_score)))


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
