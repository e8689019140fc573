"""KTH pose files: ``<video_id>.npz`` with ``poses`` float32 (T, 18, 2) in
OpenPose-COCO-18 order, (0, 0) where a joint was not detected,
``timestamps`` (T, ) and ``meta``, a JSON string whose ``action`` is one of
:data:`KTH_ACTIONS`.
"""
import glob
import json
import os.path as osp
import zipfile
from typing import List, Sequence

import numpy as np


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


def stray_pose_files(data_root: str, read: Sequence[str]) -> List[str]:
    """Files that look like KTH pose files but are not among ``read``
    (``<data_root>/*.npz``): another case of the extension, or one folder
    level down."""
    read = set(read)
    return sorted(
        p for pattern in ('*', osp.join('*', '*'))
        for p in glob.glob(osp.join(data_root, pattern))
        if p.lower().endswith('.npz') and p not in read and osp.isfile(p))
