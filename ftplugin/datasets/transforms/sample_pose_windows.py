from typing import Dict, List

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .pose_utils import pad_or_trim, window_frames

SAMPLINGS = ('first', 'uniform', 'clips', 'random')


@TRANSFORMS.register_module()
class SamplePoseWindows(BaseTransform):
    """Take the window(s) of a whole pose sequence (as mmaction2's
    ``UniformSampleFrames`` takes the frames of a skeleton sequence).

    Shorter sequences repeat their last frame up to ``clip_len``. A sample
    with a ``start_frame`` (a sliding window of
    :class:`~ftplugin.datasets.BasePoseDataset`, ``window_stride > 0``) is
    the window starting there.

    Required keys: ``keypoint`` (T, 18, 2), ``keypoint_valid`` (T, 18);
    optional ``start_frame``.
    Modified keys: ``keypoint`` (N, clip_len, 18, 2), ``keypoint_valid``
    (N, clip_len, 18), N windows (``num_clips``, else 1).
    Added keys: ``frame_inds``, the frame indices of each window (a list
    of N arrays, at most ``clip_len`` long before padding).

    Args:
        clip_len (int): Frames per window. Defaults to 64.
        sampling (str): How the window(s) are taken:

            - ``'first'``: the first ``clip_len`` frames (the original
              project; for its checkpoints).
            - ``'uniform'``: ``clip_len`` frames evenly spaced over the
              whole sequence.
            - ``'clips'``: ``num_clips`` contiguous windows whose starts are
              spread evenly from the first to the last frame, scored
              together (whole-sequence testing).
            - ``'random'``: one contiguous window at a random start (numpy's
              global generator), drawn anew each time the sample is read.

            Defaults to ``'first'``.
        num_clips (int): Windows with ``sampling='clips'``. Defaults to 1.
    """

    def __init__(self, clip_len: int = 64, sampling: str = 'first',
                 num_clips: int = 1) -> None:
        if sampling not in SAMPLINGS:
            raise ValueError(f'sampling must be one of {SAMPLINGS}, got '
                             f'{sampling!r}')
        if num_clips < 1 or (num_clips > 1 and sampling != 'clips'):
            raise ValueError(f"num_clips={num_clips} needs sampling='clips'"
                             f' (and num_clips >= 1), got sampling='
                             f'{sampling!r}')
        self.clip_len = clip_len
        self.sampling = sampling
        self.num_clips = num_clips

    def window_frames(self, num_frames: int) -> List[np.ndarray]:
        """Frame indices of each window (at most ``clip_len`` long)."""
        return window_frames(num_frames, self.clip_len, self.sampling,
                             self.num_clips)

    def transform(self, results: Dict) -> Dict:
        poses, valid = results['keypoint'], results['keypoint_valid']
        if 'start_frame' in results:
            if self.sampling != 'first':
                raise ValueError(
                    f"{results.get('filename', 'a sample')}: a sliding "
                    f'window (start_frame, from window_stride > 0) takes '
                    f"sampling='first', got sampling={self.sampling!r}")
            start = results['start_frame']
            frames = [np.arange(start,
                                min(start + self.clip_len, len(poses)))]
        else:
            frames = self.window_frames(len(poses))
        # the frames each window took (as mmaction2's SampleFrames records
        # frame_inds): inference reports them as window spans
        results['frame_inds'] = frames
        results['keypoint'] = np.stack(
            [pad_or_trim(poses[idx], self.clip_len) for idx in frames])
        results['keypoint_valid'] = np.stack(
            [pad_or_trim(valid[idx], self.clip_len) for idx in frames])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'sampling={self.sampling!r}, num_clips={self.num_clips})')
