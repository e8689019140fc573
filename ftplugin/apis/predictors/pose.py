"""kaggle_pose: Kaggle keypoint CSVs and KTH-style ``.npz`` pose files."""
import logging
from typing import List, Tuple

import numpy as np
from mmengine.logging import print_log

from ...datasets.transforms.load_pose_file import (POSE_FILE_EXTENSIONS,
                                                   read_pose_file)
from ...datasets.transforms.normalize_pose_windows import \
    NormalizePoseWindows
from ...datasets.transforms.sample_pose_windows import SamplePoseWindows
from .base import BasePredictor, InferenceInputError


class PosePredictor(BasePredictor):
    """Fall probabilities of pose files, windowed as the config's test set.

    A Kaggle CSV (``Frame,Keypoint,X,Y,Confidence``, COCO-17) or a KTH-style
    ``.npz`` (``poses`` (T, 18, 2), OpenPose-18) is read by the readers of
    the training datasets, cut into the windows of the config's test
    pipeline (``SamplePoseWindows``: ``clip_len``, ``sampling``,
    ``num_clips``; ``NormalizePoseWindows``: ``torso_ratio``) and scored per
    window; the file gets the head's aggregation (``average_clips``:
    ``'max'``, the most fall-like window, or the mean). Window ``start`` /
    ``end`` are the file's own frame numbers (the CSV's ``Frame`` column;
    the frame index of an ``.npz``); ``end`` is one past the last frame.

    A file without any pose (header only) is skipped with a warning, or is
    an error where the config's dataset says ``on_empty='error'``.
    """
    extensions = POSE_FILE_EXTENSIONS
    window_unit = 'frame'

    def __init__(self, spec: dict, scorers, **kwargs) -> None:
        super().__init__(spec, scorers, **kwargs)
        data = spec['dataset']
        if data.get('output', 'window') != 'window':
            raise InferenceInputError(
                f'{spec["config"]}: its dataset yields whole skeleton '
                f'sequences (output={data["output"]!r}, the ST-GCN++ '
                f'configs); inference reads the pose autoencoder\'s windows '
                f'(output=\'window\'). Test such a model with tools/test.py.')

    def read(self, path: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``frames`` (T, ), ``poses`` (T, 18, 2), ``valid`` (T, 18)."""
        self.check_extension(path)
        data = self.spec['dataset']
        return read_pose_file(path, data.get('min_keypoint_score', 0.0),
                              data.get('on_implausible', 'error'))

    def transform_args(self, name: str) -> dict:
        """The arguments of transform ``name`` in the test pipeline."""
        for transform in self.spec['pipeline']:
            if transform.get('type') == name:
                return {k: v for k, v in transform.items() if k != 'type'}
        raise InferenceInputError(
            f'{self.spec["config"]}: its test pipeline has no {name}; a pose '
            f'model is scored on the windows SamplePoseWindows and '
            f'NormalizePoseWindows cut, as in the kaggle_pose configs')

    def windows(self, poses: np.ndarray, valid: np.ndarray
                ) -> Tuple[np.ndarray, List[np.ndarray]]:
        """(W, 2, clip_len, 18) windows and their frame indices, cut and
        normalised by the config's own test transforms."""
        sample = SamplePoseWindows(**self.transform_args('SamplePoseWindows'))
        normalize = NormalizePoseWindows(
            **self.transform_args('NormalizePoseWindows'))
        results = normalize(sample(dict(keypoint=poses,
                                        keypoint_valid=valid)))
        windows = results['keypoint'].reshape(
            -1, *results['keypoint'].shape[-3:])
        return windows.astype(np.float32), results['frame_inds']

    def predict_file(self, path: str) -> List[dict]:
        numbers, poses, valid = self.read(path)
        if len(poses) == 0:
            message = f'{path}: holds no pose (header only)'
            if self.spec['dataset'].get('on_empty', 'skip') == 'error':
                raise InferenceInputError(
                    message + " (the config's dataset has on_empty='error')")
            print_log(message + ' -- skipped', logger='current',
                      level=logging.WARNING)
            return []
        windows, frames = self.windows(poses, valid)
        probs = self.score(windows)
        spans = [dict(window=i, start=int(numbers[idx[0]]),
                      end=int(numbers[idx[-1]]) + 1)
                 for i, idx in enumerate(frames)]
        return [self.class_record(path, probs, spans,
                                  num_frames=len(poses))]
