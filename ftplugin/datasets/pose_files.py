"""The two pose file formats, written and read in one place.

Shared by :class:`KTHPoseDataset`, :class:`KagglePoseDataset` and the
synthetic pose generator (``tools/data/kaggle_pose/generate_pose_data.py``),
so that what the generator writes is what the datasets read.

* KTH: ``<video_id>.npz`` with ``poses`` float32 (T, 18, 2) in
  OpenPose-COCO-18 order, (0, 0) where a joint was not detected,
  ``timestamps`` (T, ) and ``meta``, a JSON string whose ``action`` is one of
  :data:`KTH_ACTIONS`.
* Kaggle fall: ``<name>_keypoints.csv`` with the columns
  :data:`KAGGLE_CSV_COLUMNS`, one row per (frame, COCO-17 keypoint); frames
  without a detected person are left out.
"""
import json
import zipfile

import numpy as np
import pandas as pd

from .pose_utils import COCO17_JOINTS

KTH_ACTIONS = ('boxing', 'handclapping', 'handwaving', 'jogging', 'running',
               'walking')
KAGGLE_CSV_COLUMNS = ('Frame', 'Keypoint', 'X', 'Y', 'Confidence')


def save_kth_npz(path: str, poses: np.ndarray, timestamps: np.ndarray,
                 meta: dict) -> None:
    """Write one KTH pose file with fixed zip timestamps.

    ``np.savez`` stamps each member with the current time, so reruns with
    the same seed would not be byte-identical.

    Args:
        path (str): Output ``.npz`` path.
        poses (np.ndarray): (T, 18, 2) pixel coordinates, OpenPose-18 order.
        timestamps (np.ndarray): (T, ) seconds.
        meta (dict): Stored as a JSON string; ``action`` gives the label.
    """
    arrays = dict(poses=poses, timestamps=timestamps,
                  meta=np.array(json.dumps(meta)))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(
                key + '.npy', date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(info, 'w', force_zip64=True) as member:
                np.lib.format.write_array(
                    member, np.asanyarray(value), allow_pickle=False)


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
