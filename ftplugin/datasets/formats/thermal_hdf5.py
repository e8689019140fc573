"""The thermal recordings: ``frames/<sensor_id>.h5``, a dataset ``frames``
float32 (N, H, W) in degrees Celsius (40 x 60 for the real sensor), dead
pixels marked -273.2 (see :mod:`.thermal_coco_json` for the annotations).

Checks of a recording's layout and of the plausibility of its temperatures,
shared by :class:`~ftplugin.datasets.ThermalHDF5Dataset` and
``tools/validate_data.py``; clip cutting and rendering shared by the dataset,
the ava_custom converter and inference (``ftplugin.apis``).
"""
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .checks import check_finite, check_real_numbers, implausible

# the sensor marks a dead pixel -273.2: not a temperature of the scene
DEAD_PIXEL_BELOW = -270.0
# frames whose check costs one chunk of the real files (64 frames)
CHECKED_FRAMES = 64
# more pixels than this outside temp_range: a unit or range mistake
MAX_SATURATED = 0.25
# more dead pixels than this: most of the image blank (the real recordings:
# at most 16 % in their first 64 frames)
MAX_DEAD = 0.5
# a recording this many times faster or slower than the training data's
# median frame rate: its windows span another duration (the real
# recordings: 5.0-6.3 fps)
MAX_FPS_RATIO = 1.5


def frames_layout(path: str, handle) -> Tuple[int, int, int]:
    """``(frames, height, width)`` of an open recording; errors name the
    file and the field.

    Args:
        path (str): The file, for messages.
        handle (h5py.File): The open file.
    """
    import h5py
    if 'frames' not in handle:
        raise ValueError(f'{path}: no dataset "frames" (found '
                         f'{sorted(handle.keys())})')
    frames = handle['frames']
    if not isinstance(frames, h5py.Dataset):
        raise ValueError(f'{path}: "frames" is an HDF5 {type(frames).__name__}'
                         f' (holding {sorted(frames.keys())[:5]}), expected '
                         f'a dataset of shape (N, H, W)')
    if frames.ndim != 3 or frames.shape[0] == 0:
        raise ValueError(f'{path}: dataset "frames" must be (N, H, W) with '
                         f'N > 0, got shape {frames.shape}')
    check_real_numbers(path, 'dataset "frames"', frames.dtype)
    return tuple(int(n) for n in frames.shape)


def likely_unit(mean: float) -> str:
    """What a recording's mean live-pixel value says about its unit."""
    if 255.0 <= mean <= 340.0:
        return 'looks like Kelvin: subtract 273.15'
    if 1000.0 <= mean <= 10000.0:
        return ('looks like hundredths of a degree (centi-degrees): divide '
                'by 100')
    if 100.0 <= mean <= 1000.0:
        return 'looks like tenths of a degree: divide by 10'
    if 50.0 <= mean < 100.0:
        return 'looks like Fahrenheit: convert with (F - 32) / 1.8'
    return ('check the unit of the recordings (degrees Celsius expected) '
            'or the dataset\'s temp_range')


def check_temperatures(where: str, frames: np.ndarray,
                       temp_range: Sequence[float],
                       on_implausible: str = 'error',
                       dtype=None) -> None:
    """Refuse frames whose pixels mostly saturate at 0 or 255 after
    clipping to ``temp_range``: temperatures in another unit (Kelvin,
    centi-degrees) or a range that does not fit the data. Frames holding
    only the dead-pixel marker are an error; mostly dead or constant
    frames are implausible (each would be rendered as a blank clip and
    scored).

    Args:
        where (str): The file and its frames, e.g. ``x.h5 (frames 0:64)``.
        frames (np.ndarray): Temperatures (already read).
        temp_range (Sequence[float]): The dataset's (low, high) in degrees
            Celsius.
        on_implausible (str): ``'error'`` or ``'warn'``.
        dtype (np.dtype, optional): The file's dtype of ``frames``, for
            the likely cause (uint8: frames already rendered to grey).
    """
    live = frames[frames > DEAD_PIXEL_BELOW]  # NaN compares False: left out
    dead = np.count_nonzero(frames <= DEAD_PIXEL_BELOW)
    if frames.size and dead == frames.size:
        # rendered as the coldest value everywhere: a blank clip, scored
        raise ValueError(
            f'{where}: dataset "frames": every pixel holds the dead-pixel '
            f'marker (below {DEAD_PIXEL_BELOW}), no temperature at all: a '
            f'dead sensor or a recording written with a fill value; leave '
            f'it out or re-export it')
    if not live.size:
        return
    low, high = temp_range
    share = np.count_nonzero((live <= low) | (live >= high)) / live.size
    if share > MAX_SATURATED:
        mean = float(live.mean(dtype=np.float64))
        cause = (likely_unit(mean) if dtype is None
                 or np.dtype(dtype) != np.uint8 else
                 'stored as uint8: looks already rendered to 0-255 grey '
                 'levels; store the temperatures in degrees Celsius')
        implausible(
            f'{where}: dataset "frames": {share:.1%} of the pixels lie '
            f'outside temp_range {tuple(temp_range)} (degrees Celsius) and '
            f'saturate at 0 or 255 (mean {mean:.1f}): {cause}',
            on_implausible)
    dead = dead / frames.size
    if dead > MAX_DEAD:
        implausible(
            f'{where}: dataset "frames": {dead:.1%} of the pixels hold the '
            f'dead-pixel marker -273.2 (the real sensor: at most 16 %): '
            f'most of each frame is blank; check the sensor or the export',
            on_implausible)
    if live.size > 1 and live.min() == live.max():
        implausible(
            f'{where}: dataset "frames": every live pixel holds the same '
            f'value {float(live[0])}: a constant image (a stuck sensor or '
            f'a fill value), not a scene', on_implausible)


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


def recording_timestamps(handle, num_frames: int) -> Optional[np.ndarray]:
    """An open recording's ``timestamps`` (one integer per frame), or None
    where it has none of that form."""
    import h5py
    stamps = handle.get('timestamps')
    if (isinstance(stamps, h5py.Dataset) and stamps.ndim == 1
            and len(stamps) == num_frames
            and np.issubdtype(stamps.dtype, np.integer)):
        return np.asarray(stamps, dtype=np.int64)
    return None


def check_recording(path: str) -> Tuple[int, int, int]:
    """(frames, height, width) of a recording; errors name the field.

    Opens and closes the file: no handle outlives this call, so none
    is inherited by forked dataloader workers.
    """
    import h5py
    try:
        with h5py.File(path, 'r') as f:
            return frames_layout(path, f)
    except OSError as e:
        raise OSError(f'{path}: cannot be read as HDF5 ({e})') from e


def read_rendered_recording(path: str, temp_range: Sequence[float],
                            on_implausible: str = 'error'
                            ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """A whole recording, checked and rendered, from one opening of the file.

    The frames must be finite and in degrees Celsius
    (:func:`check_temperatures`); shared by the datasets' ``in_memory``
    mode and inference.

    Args:
        path (str): The ``.h5`` recording.
        temp_range (Sequence[float]): (low, high) in degrees Celsius.
        on_implausible (str): ``'error'`` or ``'warn'``.

    Returns:
        tuple: uint8 (N, H, W, 3) frames and ``timestamps`` (N, ) in ms,
        None where the file has none.
    """
    import h5py
    try:
        with h5py.File(path, 'r') as f:
            frames_layout(path, f)
            dtype = f['frames'].dtype
            frames = np.asarray(f['frames'], dtype=np.float32)
            stamps = (np.asarray(f['timestamps'], dtype=np.int64)
                      if 'timestamps' in f else None)
    except OSError as e:
        raise OSError(f'{path}: cannot be read as HDF5 ({e})') from e
    check_finite(path, 'frames', frames)
    check_temperatures(f'{path} (frames 0:{len(frames)})', frames,
                       temp_range, on_implausible, dtype)
    return render_uint8(frames, temp_range), stamps


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


def check_keyframe_times(ann_file: str, samples: Sequence[dict],
                         stamps: Mapping[str, np.ndarray],
                         on_implausible: str = 'error') -> None:
    """Each annotated image's ``timestamp`` must be that of its
    ``frame_idx`` in the recording (so in all the real annotations): a
    recording trimmed or re-indexed after annotation shifts every clip and
    keeps ``frame_idx`` in range.

    Args:
        ann_file (str): The annotation file, for messages.
        samples (Sequence[dict]): Its samples (``image_id``, ``frame_idx``,
            ``timestamp``) with ``filename``, their recording.
        stamps (Mapping[str, np.ndarray]): ``timestamps`` (ms, one per
            frame) by recording; recordings without are not checked.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    wrong: Dict[str, List[dict]] = {}
    for sample in samples:
        times = stamps.get(sample['filename'])
        stamp = sample.get('timestamp')
        if (times is not None and isinstance(stamp, int)
                and not isinstance(stamp, bool)
                and sample['frame_idx'] < len(times)
                and int(times[sample['frame_idx']]) != stamp):
            wrong.setdefault(sample['filename'], []).append(sample)
    for path, samples_of in wrong.items():
        first = samples_of[0]
        times, idx = stamps[path], first['frame_idx']
        found = np.flatnonzero(times == first['timestamp'])
        hint = (f'; that time is frame {int(found[0])}, '
                f'{int(found[0]) - idx:+d} frames off' if len(found) else '')
        implausible(
            f'{ann_file}: image {first["image_id"]!r} field "timestamp" = '
            f'{first["timestamp"]} but its "frame_idx" {idx} is the frame of '
            f'{path} taken at {int(times[idx])} ("timestamps"), and so for '
            f'{len(samples_of)} image(s) of this recording{hint}: the '
            f'recording was trimmed or re-indexed after annotation; fix '
            f'"frame_idx" or use the recording as annotated', on_implausible)


def frame_rate(stamps: Optional[np.ndarray]) -> Optional[float]:
    """Frames per second from ``timestamps`` in ms (None if unknown)."""
    if stamps is None or len(stamps) < 2 or stamps[-1] <= stamps[0]:
        return None
    return float((len(stamps) - 1) / (stamps[-1] - stamps[0]) * 1000.0)


def fps_problem(where: str, fps: Optional[float],
                trained: Optional[float]) -> Optional[str]:
    """A sentence when ``fps`` is more than :data:`MAX_FPS_RATIO` times
    off the training data's frame rate ``trained`` (None: fine or
    unknown)."""
    if not fps or not trained:
        return None
    if max(fps / trained, trained / fps) <= MAX_FPS_RATIO:
        return None
    return (f'{where}: {fps:.2f} frames/s (from "timestamps") but the '
            f'model was trained on {trained:.2f} frames/s (meta.'
            f'dataset_meta.sensor_fps): each window of frames spans '
            f'{trained / fps:.2f}x the time it was trained on; resample the '
            f'recording to the training rate')
