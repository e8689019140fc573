"""KTH pose files: ``<video_id>.npz`` with ``poses`` float32 (T, 18, 2) in
OpenPose-COCO-18 order, (0, 0) where a joint was not detected,
``timestamps`` (T, ) and ``meta``, a JSON string whose ``action`` is one of
:data:`KTH_ACTIONS`.
"""
import glob
import json
import os.path as osp
import zipfile
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .checks import check_real_numbers, read_npz
from .keypoint_checks import check_not_constant, check_pixel_coordinates


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
def read_kth_npz(path: str, img_shape: Optional[Tuple[int, int]] = None,
                 on_implausible: str = 'error'
                 ) -> Tuple[np.ndarray, np.ndarray]:
    """Read one KTH pose file; errors name the file and the field.

    Args:
        path (str): The ``.npz``.
        img_shape (tuple, optional): (height, width) of the frames, for the
            pixel-coordinate check.
        on_implausible (str): ``'error'`` or ``'warn'``.

    Returns:
        tuple: ``poses`` float32 (T, 18, 2) pixels (0 where not detected)
        and ``valid`` (T, 18) bool.
    """
    poses = read_npz(path, required=('poses', ))['poses']
    check_real_numbers(path, 'field "poses"', poses.dtype)
    poses = poses.astype(np.float32)
    if poses.ndim != 3 or poses.shape[1:] != (18, 2):
        hint = (': 17 joints is the COCO-17 layout (Kaggle\'s); '
                'convert with ftplugin.datasets.transforms.pose_utils.'
                'coco17_to_openpose18' if poses.shape[1:] == (17, 2)
                else '')
        raise ValueError(f'{path}: field "poses" has shape {poses.shape},'
                         f' expected (T, 18, 2) in OpenPose-18 order'
                         f' (18 joints, x and y){hint}')
    valid = np.isfinite(poses).all(-1) & (poses != 0).any(-1)
    poses[~valid] = 0
    detected = poses[valid]
    check_pixel_coordinates(path, 'field "poses"', detected, img_shape,
                            on_implausible)
    check_not_constant(path, ('field "poses" x', 'field "poses" y'),
                       detected, on_implausible)
    return poses, valid
