from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class PoseRandomJointDropout(BaseTransform):
    """Drop joints of a normalised pose window, as a detector drops them.

    With probability ``prob`` a window loses each (frame, joint) with
    probability ``drop_ratio``: the joint is set to 0, the value a missing
    joint has after ``normalize_pose_sequence``. Works on ``keypoint`` of
    shape (..., 2, T, J).

    Args:
        prob (float): Probability that a window is changed. Defaults to 0.5.
        drop_ratio (float): Fraction of (frame, joint) pairs dropped in a
            changed window. Defaults to 0.1.
    """

    def __init__(self, prob: float = 0.5, drop_ratio: float = 0.1) -> None:
        if not (0 <= prob <= 1 and 0 <= drop_ratio <= 1):
            raise ValueError(f'prob and drop_ratio must be in [0, 1], got '
                             f'{prob}, {drop_ratio}')
        self.prob = prob
        self.drop_ratio = drop_ratio

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() >= self.prob:
            return results
        keypoint = results['keypoint']
        shape = keypoint.shape[:-3] + keypoint.shape[-2:]
        keep = np.random.rand(*shape) >= self.drop_ratio
        results['keypoint'] = keypoint * np.expand_dims(keep, -3).astype(
            keypoint.dtype)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, '
                f'drop_ratio={self.drop_ratio})')
