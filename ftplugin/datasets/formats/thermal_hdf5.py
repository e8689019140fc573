"""Thermal recordings: ``frames/<sensor_id>.h5`` (ThermalDataGen).

Datasets ``frames`` float32 (N, H, W) in degrees Celsius (the sensor marks
dead pixels -273.2), ``timestamps`` int64 (N, ) in ms and ``frame_seqs``;
attributes ``sensor_id``, ``total_frames``, ... A clip is ``clip_len``
frames around a centre frame, rendered to 3-channel uint8.

Shared by :class:`~ftplugin.datasets.ThermalHDF5Dataset`, the ava_custom
converter and inference (``ftplugin.apis``), so all of them cut and render
the same clips.
"""
from typing import Optional, Sequence, Tuple

import numpy as np

from .checks import check_finite


def render_uint8(frames: np.ndarray,
                 temp_range: Sequence[float] = (5.0, 45.0)) -> np.ndarray:
    """Temperatures (T, H, W) -> uint8 grey (T, H, W, 3).

    Clipped to ``temp_range``, scaled to 0-255 and rounded; shared with the
    ``ava_custom`` converter so both see the same pixels.
    """
    low, high = (float(t) for t in temp_range)
    # NaN (a corrupt pixel) counts as the coldest value
    scaled = (np.clip(np.nan_to_num(frames, nan=low), low, high) -
              low) * (255.0 / (high - low))
    gray = np.rint(scaled).astype(np.uint8)
    # np.stack: 3x faster than np.repeat here
    return np.stack([gray, gray, gray], axis=-1)


def check_recording(path: str) -> Tuple[int, int, int]:
    """(frames, height, width) of a recording; errors name the field.

    Opens and closes the file: no handle outlives this call, so none
    is inherited by forked dataloader workers.
    """
    import h5py
    try:
        with h5py.File(path, 'r') as f:
            if 'frames' not in f:
                raise ValueError(f'{path}: no dataset "frames" (found '
                                 f'{sorted(f.keys())})')
            frames = f['frames']
            if frames.ndim != 3 or frames.shape[0] == 0:
                raise ValueError(
                    f'{path}: dataset "frames" must be (N, H, W) with '
                    f'N > 0, got shape {frames.shape}')
            if not np.issubdtype(frames.dtype, np.number):
                raise ValueError(f'{path}: dataset "frames" must be '
                                 f'numeric, got {frames.dtype}')
            return tuple(int(n) for n in frames.shape)
    except OSError as e:
        raise OSError(f'{path}: cannot be read as HDF5 ({e})') from e


def read_timestamps(path: str) -> Optional[np.ndarray]:
    """The ``timestamps`` (N, ) in ms of a recording, None if absent."""
    import h5py
    with h5py.File(path, 'r') as f:
        if 'timestamps' not in f:
            return None
        return np.asarray(f['timestamps'], dtype=np.int64)


def clip_bounds(frame_idx: int, clip_len: int,
                num_frames: int) -> Tuple[int, int, int, int]:
    """The clip around ``frame_idx``: ``(start, end, lo, hi)``.

    The clip is frames ``[start, end)``, ``start = frame_idx - clip_len //
    2`` (the original project: ``[frame_idx-32, frame_idx+32)``); ``[lo,
    hi)`` is the part inside the recording.
    """
    start = frame_idx - clip_len // 2
    end = start + clip_len
    return start, end, max(start, 0), min(end, num_frames)


def render_clip(path: str, frames: np.ndarray, lo: int,
                temp_range: Sequence[float]) -> np.ndarray:
    """Frames ``lo:lo+len(frames)`` of ``path`` (float, degrees) as uint8
    (T, H, W, 3); NaN/Inf (corruption) is an error naming the frames."""
    # the sensor marks dead pixels -273.2; NaN/Inf is corruption
    check_finite(f'{path} (frames {lo}:{lo + len(frames)})', 'frames',
                 frames)
    return render_uint8(frames, temp_range)


def pad_clip(clip: np.ndarray, start: int, end: int, lo: int,
             hi: int) -> np.ndarray:
    """Repeat the edge frames where the clip runs past the recording."""
    if (lo, hi) != (start, end):
        clip = np.pad(clip, ((lo - start, end - hi), (0, 0), (0, 0),
                             (0, 0)), mode='edge')
    return clip


def clip_results(clip: np.ndarray) -> dict:
    """What a clip gives mmaction2's pipeline: ``imgs`` (and ``array``,
    for ``SampleFrames`` + ``ArrayDecode``) with its sizes; shared with
    inference so both feed the test pipeline alike."""
    return dict(imgs=clip, array=clip, total_frames=len(clip),
                clip_len=len(clip), num_clips=1, img_shape=clip.shape[1:3],
                original_shape=clip.shape[1:3])
