"""Kaggle fall keypoint files: ``<name>_keypoints.csv`` with the columns
:data:`KAGGLE_CSV_COLUMNS`, one row per (frame, COCO-17 keypoint); frames
without a detected person are left out. Laid out as
``<data_root>/{Fall,No_Fall}/Keypoints_CSV/*.csv``.
"""
import glob
import os.path as osp
from typing import List, Optional, Tuple

import numpy as np
import pandas as pd

from ..transforms.pose_utils import COCO17_JOINTS, coco17_to_openpose18
from .checks import implausible, read_csv_table
from .keypoint_checks import check_not_constant, check_pixel_coordinates

KAGGLE_CSV_COLUMNS = ('Frame', 'Keypoint', 'X', 'Y', 'Confidence')
KEYPOINTS_FOLDER = 'Keypoints_CSV'
_JOINT_INDEX = {name: i for i, name in enumerate(COCO17_JOINTS)}


def read_kaggle_csv(path: str,
                    img_shape: Optional[Tuple[int, int]] = None,
                    on_implausible: str = 'error'
                    ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read one Kaggle keypoint CSV; errors name the file and the column.

    The detected frames are taken in order (frames without a person are
    absent from the file, as in the original project).

    Args:
        path (str): The CSV.
        img_shape (tuple, optional): (height, width) of the frames, for the
            pixel-coordinate check (:func:`check_kaggle_coordinates`).
        on_implausible (str): ``'error'`` or ``'warn'``.

    Returns:
        tuple: ``frames`` (T, ) the file's ``Frame`` numbers, ``poses``
        (T, 17, 2) pixels, ``score`` (T, 17) confidences and ``present``
        (T, 17) bool, COCO-17 order; T = 0 for a header-only file.
    """
    table = read_csv_table(
        path, f'not even the header {",".join(KAGGLE_CSV_COLUMNS)}')
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
    check_frame_numbers(path, table['Frame'].to_numpy())
    frames, frame_idx = np.unique(
        table['Frame'].to_numpy(), return_inverse=True)
    joint_idx = joint.to_numpy(dtype=np.int64)
    xy = table[['X', 'Y']].to_numpy(dtype=np.float32)
    check_kaggle_coordinates(path, frames, frame_idx, joint_idx, xy,
                             img_shape, on_implausible)
    confidence = table['Confidence'].to_numpy(dtype=np.float32)
    check_confidence(path, confidence, on_implausible)
    poses = np.zeros((len(frames), 17, 2), np.float32)
    score = np.zeros((len(frames), 17), np.float32)
    present = np.zeros((len(frames), 17), bool)
    poses[frame_idx, joint_idx] = xy
    score[frame_idx, joint_idx] = np.nan_to_num(confidence)
    present[frame_idx, joint_idx] = np.isfinite(xy).all(axis=1)
    poses[~present] = 0
    never = np.flatnonzero(~present.any(axis=0))
    if len(never):
        implausible(
            f'{path}: field Keypoint: {[COCO17_JOINTS[j] for j in never]} '
            f'have no position in any of the {len(frames)} frames (their '
            f'rows are missing or empty): a detector or export that leaves '
            f'them out, and every window would hold them as undetected; the '
            f'Kaggle files give all 17 keypoints in every frame',
            on_implausible)
    return frames, np.nan_to_num(poses), score, present


def check_frame_numbers(path: str, numbers: np.ndarray) -> None:
    """Column Frame: whole frame numbers (they order the frames and name
    the windows' first and last frames)."""
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers != np.round(
        numbers)))
    if len(bad):
        raise ValueError(
            f'{path}: column \'Frame\' is {numbers[bad[0]]:g} on line '
            f'{bad[0] + 2} ({len(bad)} such row(s)): frame numbers must be '
            f'whole numbers (a time in seconds, or another column?)')


def check_confidence(path: str, confidence: np.ndarray,
                     on_implausible: str = 'error') -> None:
    """Column Confidence: detector scores in [0, 1] (``min_keypoint_score``
    compares with them; a negative one drops the joint)."""
    finite = confidence[np.isfinite(confidence)]
    if not len(finite) or (finite.min() >= 0 and finite.max() <= 1):
        return
    cause = ('looks like percent: divide by 100'
             if finite.min() >= 0 and finite.max() <= 100 else
             'another score than a detector\'s probability (negative '
             'scores make every keypoint count as undetected)')
    implausible(
        f'{path}: column \'Confidence\' ranges from {finite.min():g} to '
        f'{finite.max():g}, outside [0, 1]: {cause}', on_implausible)



def check_kaggle_coordinates(path: str, frames: np.ndarray,
                             frame_idx: np.ndarray, joint_idx: np.ndarray,
                             xy: np.ndarray,
                             img_shape: Optional[Tuple[int, int]] = None,
                             on_implausible: str = 'error') -> None:
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
    check_pixel_coordinates(path, 'columns X, Y', detected, img_shape,
                            on_implausible)
    check_not_constant(path, ('column X', 'column Y'), detected,
                       on_implausible)


def read_kaggle_openpose18(path: str, min_keypoint_score: float = 0.0,
                           **checks
                           ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A Kaggle CSV in the OpenPose-18 layout of the pose autoencoder.

    Args:
        path (str): The CSV.
        min_keypoint_score (float): Joints whose ``Confidence`` is below
            count as not detected.
        **checks: ``img_shape``, ``on_implausible`` of
            :func:`read_kaggle_csv`.

    Returns:
        tuple: ``frames`` (T, ) the file's ``Frame`` numbers, ``poses``
        (T, 18, 2) pixels and ``valid`` (T, 18) bool.
    """
    frames, poses, score, present = read_kaggle_csv(path, **checks)
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
