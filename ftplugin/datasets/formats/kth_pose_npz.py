"""KTH pose files: ``<video_id>.npz`` with ``poses`` float32 (T, 18, 2) in
OpenPose-COCO-18 order, (0, 0) where a joint was not detected,
``timestamps`` (T, ) and ``meta``, a JSON string whose ``action`` is one of
:data:`KTH_ACTIONS`.
"""
import json
import zipfile
from typing import Tuple

import numpy as np

from .checks import read_npz


KTH_ACTIONS = ('boxing', 'handclapping', 'handwaving', 'jogging', 'running',
               'walking')


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


def read_kth_npz(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Read one KTH pose file; errors name the file and the field.

    Args:
        path (str): The ``.npz``.

    Returns:
        tuple: ``poses`` float32 (T, 18, 2) pixels (0 where not detected)
        and ``valid`` (T, 18) bool.
    """
    poses = read_npz(path, required=('poses', ))['poses']
    if not np.issubdtype(poses.dtype, np.number):
        raise ValueError(f'{path}: field "poses" has dtype {poses.dtype},'
                         f' expected numbers (pixels)')
    poses = poses.astype(np.float32)
    if poses.ndim != 3 or poses.shape[1:] != (18, 2):
        raise ValueError(f'{path}: field "poses" has shape {poses.shape},'
                         f' expected (T, 18, 2) in OpenPose-18 order')
    valid = np.isfinite(poses).all(-1) & (poses != 0).any(-1)
    poses[~valid] = 0
    return poses, valid
