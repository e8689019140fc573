"""KTH pose files: ``<video_id>.npz`` with ``poses`` float32 (T, 18, 2) in
OpenPose-COCO-18 order, (0, 0) where a joint was not detected,
``timestamps`` (T, ) and ``meta``, a JSON string whose ``action`` is one of
:data:`KTH_ACTIONS`.
"""
import json
import zipfile

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
