"""Kaggle fall keypoint files: ``<name>_keypoints.csv`` with the columns
:data:`KAGGLE_CSV_COLUMNS`, one row per (frame, COCO-17 keypoint); frames
without a detected person are left out.
"""
import numpy as np
import pandas as pd

from ..transforms.pose_utils import COCO17_JOINTS

KAGGLE_CSV_COLUMNS = ('Frame', 'Keypoint', 'X', 'Y', 'Confidence')


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
