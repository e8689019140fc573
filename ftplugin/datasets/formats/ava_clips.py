"""The ava_custom clips and keyframes: ``clips/<video>/<timestamp>.mp4``,
``keyframes/<video>/<timestamp>.jpg`` (one clip per second).
"""
import os
import os.path as osp
from typing import List, Tuple

import numpy as np

from .checks import implausible

CLIP_EXT = '.mp4'
KEYFRAME_EXT = '.jpg'


def clip_path(clips_dir: str, video: str, timestamp: int) -> str:
    """The one-second clip of ``video`` starting at ``timestamp``."""
    return osp.join(clips_dir, video, f'{timestamp}{CLIP_EXT}')


def keyframe_path(keyframes_dir: str, video: str, timestamp: int) -> str:
    """The keyframe image of ``video`` at ``timestamp``."""
    return osp.join(keyframes_dir, video, f'{timestamp}{KEYFRAME_EXT}')


def list_clips(clips_dir: str, video: str) -> List[int]:
    """Sorted timestamps of the clips of ``video`` present on disk."""
    folder = osp.join(clips_dir, video)
    if not osp.isdir(folder):
        return []
    out = []
    for name in os.listdir(folder):
        stem, ext = osp.splitext(name)
        if ext == CLIP_EXT and stem.lstrip('-').isdigit():
            out.append(int(stem))
    return sorted(out)


def read_clip(path: str) -> np.ndarray:
    """All frames of a video file, uint8 (T, H, W, 3) RGB.

    Decodes with decord where it is installed and copes (it fails on some
    frame widths), else with OpenCV; a file that is absent or yields no
    frame is an error naming it.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: clip not found')
    frames, error = None, None
    try:
        import decord
        reader = decord.VideoReader(path, num_threads=1)
        frames = reader.get_batch(list(range(len(reader)))).asnumpy()
    except ImportError:
        pass
    except Exception as e:  # decord's own DECORDError; OpenCV may cope
        error = e
    if frames is None:
        import cv2
        cap = cv2.VideoCapture(path)
        out = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            out.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        cap.release()
        frames = np.stack(out) if out else None
    if frames is None or len(frames) == 0:
        raise IOError(f'{path}: cannot be decoded (no frame'
                      + (f'; decord: {error}' if error else '') + ')')
    return frames


def write_clip(path: str, frames: np.ndarray, fps: float) -> None:
    """Write uint8 (T, H, W, 3) RGB frames as an mp4 (MPEG-4 part 2)."""
    import cv2
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise IOError(f'{path}: OpenCV cannot write mp4 here')
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def write_keyframe(path: str, frame: np.ndarray) -> None:
    """Write one uint8 (H, W, 3) RGB frame as a JPEG."""
    import cv2
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    if not cv2.imwrite(path, cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)):
        raise IOError(f'{path}: cannot be written')


def frame_positions(timestamp: int, frame_num: int, sample_rate: int,
                    clip_length, first: int, last: int
                    ) -> List[Tuple[int, int]]:
    """Where each frame of a sample lies: ``(clip timestamp, frame index)``.

    The sample is ``frame_num`` frames ``sample_rate`` apart centred on the
    keyframe (frame 0 of clip ``timestamp``): offsets ``(k - frame_num //
    2) * sample_rate``. As in AlphAction, frames left of the keyframe come
    from clips ``timestamp - 1``, ``timestamp - 2``, ..., frames right of it
    from ``timestamp``, ``timestamp + 1``, ...; past the video's first /
    last clip the edge frame is repeated.

    Args:
        timestamp (int): The keyframe's second.
        frame_num (int): Frames per sample.
        sample_rate (int): Step between them, in frames.
        clip_length (Callable[[int], int]): Frames of the clip at a second
            (clips may differ in length).
        first (int): The video's first clip second.
        last (int): Its last clip second.
    """
    out = []
    for k in range(frame_num):
        ts, i = timestamp, (k - frame_num // 2) * sample_rate
        while i < 0 and ts > first:
            ts -= 1
            i += clip_length(ts)
        i = max(i, 0)
        while i >= clip_length(ts) and ts < last:
            i -= clip_length(ts)
            ts += 1
        out.append((ts, min(i, clip_length(ts) - 1)))
    return out


# relative difference of aspect ratio tolerated between the annotated
# image and the clips (rounding when the clips were resized)
MAX_ASPECT_CHANGE = 0.05


def check_frame_size(where: str, clip: str, frame_shape: Tuple[int, int],
                     annotated: Tuple[int, int],
                     on_implausible: str = 'error') -> None:
    """Refuse clips whose frames have another aspect ratio than the image
    the boxes were annotated on: the boxes are scaled by the two sizes'
    ratio, which then distorts them (the same aspect at another size is
    fine).

    Args:
        where (str): The annotation entry (file and image).
        clip (str): The clip read.
        frame_shape (tuple[int, int]): Its frames' (height, width).
        annotated (tuple[int, int]): The image's ``width``, ``height``.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    height, width = frame_shape
    ann_width, ann_height = annotated
    change = (width / height) / (ann_width / ann_height) - 1
    if abs(change) > MAX_ASPECT_CHANGE:
        implausible(
            f'{where} fields "width", "height" are {ann_width}x{ann_height} '
            f'(the image its boxes were drawn on), but the frames of {clip} '
            f'are {width}x{height}, another aspect ratio: its boxes, scaled '
            f'by {width / ann_width:.3g} x {height / ann_height:.3g}, would '
            f'not fit the people (annotated on images of another size, or '
            f'width and height swapped?)', on_implausible)
