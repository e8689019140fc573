from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .pose_utils import normalize_pose_sequence


@TRANSFORMS.register_module()
class NormalizePoseWindows(BaseTransform):
    """Centre and scale each pose window (:func:`normalize_pose_sequence`:
    one centre and one scale per window, as the original project) and lay
    it out for the pose models (as mmaction2's ``PreNormalize2D`` does for
    skeletons).

    Required keys: ``keypoint`` (N, T, 18, 2), ``keypoint_valid``
    (N, T, 18) (e.g. from :class:`SamplePoseWindows`).
    Modified keys: ``keypoint``: (2, T, 18) for one window, else
    (N, 2, T, 18), float32, missing joints 0.
    Removed keys: ``keypoint_valid``.

    Args:
        torso_ratio (float): See :func:`normalize_pose_sequence`: the scale
            is at least this fraction of the torso length. Defaults to 0
            (the original shoulder-width scale).
    """

    def __init__(self, torso_ratio: float = 0.0) -> None:
        self.torso_ratio = torso_ratio

    def transform(self, results: Dict) -> Dict:
        valid = results.pop('keypoint_valid')
        windows = [
            normalize_pose_sequence(poses, mask, torso_ratio=self.torso_ratio)
            .transpose(2, 0, 1)
            for poses, mask in zip(results['keypoint'], valid)
        ]
        results['keypoint'] = np.ascontiguousarray(
            windows[0] if len(windows) == 1 else np.stack(windows))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(torso_ratio='
                f'{self.torso_ratio})')
