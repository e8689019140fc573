"""Joint layouts, layout mapping, normalisation and windowing of 2-D poses.

Every pose dataset of ftplugin yields the OpenPose-COCO-18 layout, the one the
original project's KTH autoencoder was trained on, so the Kaggle (COCO-17)
files are mapped onto it first. The original project applied OpenPose indices
(neck = 1, shoulders = 2 and 5) to COCO-17 arrays, i.e. it centred on the left
eye and scaled by the eye to shoulder distance; mapping first and normalising
on the mapped layout fixes that.
"""
from typing import List, Tuple

import numpy as np

OPENPOSE18_JOINTS = ('Nose', 'Neck', 'RShoulder', 'RElbow', 'RWrist',
                     'LShoulder', 'LElbow', 'LWrist', 'RHip', 'RKnee',
                     'RAnkle', 'LHip', 'LKnee', 'LAnkle', 'REye', 'LEye',
                     'REar', 'LEar')

# Names as they appear in the Kaggle ``Keypoints_CSV`` files (COCO-17 order).
COCO17_JOINTS = ('Nose', 'Left Eye', 'Right Eye', 'Left Ear', 'Right Ear',
                 'Left Shoulder', 'Right Shoulder', 'Left Elbow',
                 'Right Elbow', 'Left Wrist', 'Right Wrist', 'Left Hip',
                 'Right Hip', 'Left Knee', 'Right Knee', 'Left Ankle',
                 'Right Ankle')

# OpenPose-18 slot -> COCO-17 index; the neck (slot 1) has no COCO joint and
# is the mid-point of the shoulders.
_OPENPOSE18_FROM_COCO17 = (0, None, 6, 8, 10, 5, 7, 9, 12, 14, 16, 11, 13,
                           15, 2, 1, 4, 3)
# COCO-17 index -> OpenPose-18 slot, the inverse of the map above.
OPENPOSE18_SLOT_OF_COCO17 = tuple(
    _OPENPOSE18_FROM_COCO17.index(coco) for coco in range(17))
NECK, R_SHOULDER, L_SHOULDER, R_HIP, L_HIP = 1, 2, 5, 8, 11
COCO_L_SHOULDER, COCO_R_SHOULDER = 5, 6

# Left/right pairs of the OpenPose-18 layout, for horizontal flipping.
OPENPOSE18_FLIP_PAIRS = ((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13),
                         (14, 15), (16, 17))


def coco17_to_openpose18(
        poses: np.ndarray, valid: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Map COCO-17 joints onto the OpenPose-18 layout.

    Args:
        poses (np.ndarray): (T, 17, 2) coordinates in COCO-17 order.
        valid (np.ndarray): (T, 17) bool, whether each joint was detected.

    Returns:
        tuple: (T, 18, 2) float32 poses and (T, 18) bool validity. The neck
        is the mid-shoulder point, valid only where both shoulders are.
    """
    num_frames = poses.shape[0]
    out = np.zeros((num_frames, 18, 2), dtype=np.float32)
    out_valid = np.zeros((num_frames, 18), dtype=bool)
    for slot, coco in enumerate(_OPENPOSE18_FROM_COCO17):
        if coco is not None:
            out[:, slot] = poses[:, coco]
            out_valid[:, slot] = valid[:, coco]
    both = valid[:, COCO_L_SHOULDER] & valid[:, COCO_R_SHOULDER]
    out[:, NECK] = 0.5 * (
        poses[:, COCO_L_SHOULDER] + poses[:, COCO_R_SHOULDER])
    out_valid[:, NECK] = both
    out[~out_valid] = 0
    return out, out_valid


def normalize_pose_sequence(poses: np.ndarray,
                            valid: np.ndarray,
                            min_scale: float = 1.0,
                            default_scale: float = 100.0,
                            clip: float = 5.0,
                            torso_ratio: float = 0.0) -> np.ndarray:
    """Centre on the mean neck and scale by the median shoulder width.

    The same transform as the original project's pretraining (one centre and
    one scale per sequence, so whole-body motion such as a fall is kept),
    computed on OpenPose-18 joints. Seen from the side (or lying), the
    shoulders overlap and their width collapses to a few pixels, which blows
    the pose up to the clip limit (5 % of the real Kaggle windows, 0.4 % of
    KTH's); with ``torso_ratio > 0`` the scale is at least that fraction of the
    median neck-to-mid-hip length. Off by default: on the real Kaggle files 0.5
    measured 1.3 points below the original project's rule (README).

    Args:
        poses (np.ndarray): (T, 18, 2) pixel coordinates, OpenPose-18 order.
        valid (np.ndarray): (T, 18) bool validity of each joint.
        min_scale (float): Lower bound of the scale, in pixels.
        default_scale (float): Scale used when no frame has both shoulders
            nor a torso.
        clip (float): Normalised coordinates are clipped to [-clip, clip].
        torso_ratio (float): Lower bound of the scale as a fraction of the
            torso length; 0 (default) is the original project's shoulder-only
            scale.

    Returns:
        np.ndarray: (T, 18, 2) float32; missing joints are exactly 0.
    """
    if poses.ndim != 3 or poses.shape[1:] != (18, 2):
        raise ValueError(f'expected poses of shape (T, 18, 2), got '
                         f'{poses.shape}')
    out = poses.astype(np.float32, copy=True)
    if not valid.any():
        return np.zeros_like(out)
    neck_valid = valid[:, NECK]
    if neck_valid.any():
        center = out[neck_valid, NECK].mean(axis=0)[None, None]
    else:
        # no neck anywhere: centre each frame on its visible joints
        counts = np.maximum(valid.sum(axis=1, keepdims=True), 1)
        center = ((out * valid[..., None]).sum(axis=1, keepdims=True) /
                  counts[..., None])
    out = out - center
    scale = 0.0
    shoulders = valid[:, R_SHOULDER] & valid[:, L_SHOULDER]
    if shoulders.any():
        scale = float(np.median(np.linalg.norm(
            out[shoulders, R_SHOULDER] - out[shoulders, L_SHOULDER],
            axis=-1)))
    torso = valid[:, NECK] & valid[:, R_HIP] & valid[:, L_HIP]
    if torso_ratio > 0 and torso.any():
        mid_hip = 0.5 * (out[torso, R_HIP] + out[torso, L_HIP])
        lengths = np.linalg.norm(out[torso, NECK] - mid_hip, axis=-1)
        scale = max(scale, torso_ratio * float(np.median(lengths)))
    if not shoulders.any() and not torso.any():
        scale = default_scale
    scale = max(scale, min_scale)
    out = np.clip(out / scale, -clip, clip)
    out[~valid] = 0
    return out.astype(np.float32)


def pad_or_trim(sequence: np.ndarray, length: int) -> np.ndarray:
    """Cut to ``length`` frames, or repeat the last frame up to it.

    Args:
        sequence (np.ndarray): (T, ...) array with T >= 1.
        length (int): Target number of frames.

    Returns:
        np.ndarray: (length, ...) array.
    """
    if len(sequence) >= length:
        return sequence[:length]
    pad = np.repeat(sequence[-1:], length - len(sequence), axis=0)
    return np.concatenate([sequence, pad], axis=0)


def window_starts(num_frames: int, length: int,
                  stride: int = 0) -> List[int]:
    """Start frames of the windows taken from one sequence.

    Args:
        num_frames (int): Length of the sequence.
        length (int): Window length.
        stride (int): 0 for one window at the start (the original project's
            fine-tuning default); otherwise windows every ``stride`` frames
            plus one ending at the last frame (the original project's KTH
            pretraining windows).

    Returns:
        list[int]: Start indices; a sequence shorter than ``length`` has one
        window at 0 (padded later).
    """
    if stride <= 0 or num_frames <= length:
        return [0]
    starts = list(range(0, num_frames - length + 1, stride))
    if starts[-1] != num_frames - length:
        starts.append(num_frames - length)
    return starts


def clip_starts(num_frames: int, length: int, num_clips: int) -> List[int]:
    """Start frames of ``num_clips`` windows spread evenly over a sequence.

    The first window starts at frame 0 and the last one ends at the last
    frame (mmaction2's test-mode clip sampling for contiguous windows), so
    together they see the whole sequence when ``num_clips * length`` covers
    it. A sequence no longer than ``length`` gives ``num_clips`` windows at 0.

    Args:
        num_frames (int): Length of the sequence.
        length (int): Window length.
        num_clips (int): Number of windows (>= 1).

    Returns:
        list[int]: ``num_clips`` start indices, non-decreasing.
    """
    last = max(num_frames - length, 0)
    if num_clips == 1:
        return [0]
    return [int(round(s)) for s in np.linspace(0, last, num_clips)]


def window_frames(num_frames: int, clip_len: int, sampling: str = 'first',
                  num_clips: int = 1,
                  window_stride: int = 0) -> List[np.ndarray]:
    """Frame indices of each window taken from a sequence.

    The windows a pose dataset takes from one file (see
    :class:`~ftplugin.datasets.BasePoseDataset`'s ``sampling``); with
    ``sampling='random'`` a new start is drawn (``np.random``) on every
    call.

    Args:
        num_frames (int): Frames in the sequence.
        clip_len (int): Frames per window.
        sampling (str): ``'first'``, ``'uniform'``, ``'clips'`` or
            ``'random'``.
        num_clips (int): Windows with ``sampling='clips'``.
        window_stride (int): Sliding windows every ``window_stride`` frames
            with ``sampling='first'`` (0: one window at the start).

    Returns:
        list[np.ndarray]: One index array per window (at most ``clip_len``
        long; shorter ones are padded by :func:`pad_or_trim`).
    """
    if sampling == 'uniform' and num_frames > clip_len:
        return [np.linspace(0, num_frames - 1, clip_len).round()
                .astype(np.int64)]
    if sampling == 'clips':
        starts = clip_starts(num_frames, clip_len, num_clips)
    elif sampling == 'random':
        starts = [np.random.randint(max(num_frames - clip_len, 0) + 1)]
    else:
        starts = window_starts(num_frames, clip_len, window_stride)
    return [np.arange(start, min(start + clip_len, num_frames))
            for start in starts]


def openpose18_to_coco17(
        poses: np.ndarray, valid: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Map OpenPose-18 joints back onto the COCO-17 layout (neck dropped).

    Args:
        poses (np.ndarray): (T, 18, 2) coordinates in OpenPose-18 order.
        valid (np.ndarray): (T, 18) bool validity.

    Returns:
        tuple: (T, 17, 2) float32 poses and (T, 17) bool validity.
    """
    out = np.zeros(poses.shape[:1] + (17, 2), dtype=np.float32)
    out_valid = np.zeros(poses.shape[:1] + (17, ), dtype=bool)
    for slot, coco in enumerate(_OPENPOSE18_FROM_COCO17):
        if coco is not None:
            out[:, coco] = poses[:, slot]
            out_valid[:, coco] = valid[:, slot]
    return out, out_valid
