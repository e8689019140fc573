"""Plausibility of 2-D keypoints in pixels, shared by the pose file readers
(:mod:`.kaggle_keypoint_csv`, :mod:`.kth_pose_npz`): coordinates
normalised to 0-1, outside the frame, or one value everywhere.
"""
from typing import Optional, Sequence

import numpy as np

from .checks import implausible

# a pixel skeleton spans more than this; normalised coordinates do not
NORMALISED_MAX = 1.5
# keypoints a little outside the frame are normal (detectors extrapolate)
FRAME_MARGIN = 0.25
# share of keypoints above / left of the frame (a head cut off) beyond which
# the coordinates are not pixels from the top-left corner (real Kaggle files:
# at most 28 % of a file's y)
MAX_NEGATIVE = 0.5


def check_pixel_coordinates(path: str, field: str, xy: np.ndarray,
                            img_shape: Optional[Sequence[int]] = None,
                            on_implausible: str = 'error') -> None:
    """Refuse keypoints that do not look like pixels of the frame.

    Args:
        path (str): The file.
        field (str): Its coordinate field(s), e.g. ``'columns X, Y'``.
        xy (np.ndarray): (n, 2) x, y of the detected keypoints (finite).
        img_shape (Sequence[int], optional): (height, width) of the frames,
            when the format knows it.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    if not len(xy):
        return
    extent = np.abs(xy).max(axis=0)
    if float(extent.max()) <= NORMALISED_MAX:
        implausible(
            f'{path}: {field} lie within [-{NORMALISED_MAX}, '
            f'{NORMALISED_MAX}] (largest |x| {extent[0]:.3g}, |y| '
            f'{extent[1]:.3g}): they look normalised to 0-1, and the reader '
            f'expects pixels (multiply x by the frame width and y by its '
            f'height)', on_implausible)
        return
    negative = (xy < 0).mean(axis=0)
    if (negative > MAX_NEGATIVE).any():
        axis = 'x' if negative[0] > MAX_NEGATIVE else 'y'
        implausible(
            f'{path}: {field}: {negative.max():.0%} of the detected keypoints '
            f'have a negative {axis}: pixels count from the top-left corner '
            f'(coordinates centred on the frame, or mirrored?)',
            on_implausible)
        return
    if img_shape is not None:
        height, width = img_shape
        limit = np.array([width, height]) * (1 + FRAME_MARGIN)
        if (extent > limit).any():
            implausible(
                f'{path}: {field} reach x {extent[0]:.1f}, y '
                f'{extent[1]:.1f}, far outside the {width}x{height} frame '
                f'(img_shape {tuple(img_shape)}): pixels of another frame '
                f'size, or x and y swapped? (set img_shape to the videos\' '
                f'(height, width))', on_implausible)


def check_not_constant(path: str, names: Sequence[str], values: np.ndarray,
                       on_implausible: str = 'error',
                       min_values: int = 17) -> None:
    """Refuse a coordinate that holds one value in every detected keypoint
    of a file (a placeholder or a broken export): every window would be
    flat along it.

    Args:
        path (str): The file.
        names (Sequence[str]): The field name of each column of ``values``.
        values (np.ndarray): (n, k) finite coordinates of the detected
            keypoints.
        on_implausible (str): ``'error'`` or ``'warn'``.
        min_values (int): Files with fewer keypoints are not judged (one
            frame of COCO-17 by default).
    """
    if len(values) < min_values:
        return
    flat = values.min(axis=0) == values.max(axis=0)
    for i in np.flatnonzero(flat):
        implausible(
            f'{path}: {names[i]} is {values[0, i]:g} in all {len(values)} '
            f'detected keypoints: a placeholder or a broken export, every '
            f'window would be flat along it', on_implausible)
