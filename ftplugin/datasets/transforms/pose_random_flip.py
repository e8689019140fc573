from typing import Dict

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .pose_utils import OPENPOSE18_FLIP_PAIRS


@TRANSFORMS.register_module()
class PoseRandomFlip(BaseTransform):
    """Mirror a normalised pose window left-right with probability ``prob``.

    Negates x and swaps the left/right joints of the OpenPose-18 layout, so a
    person falling to the left becomes one falling to the right. Works on
    ``keypoint`` of shape (..., 2, T, 18) centred by
    ``normalize_pose_sequence`` (missing joints are 0 and stay 0).

    Args:
        prob (float): Probability of flipping. Defaults to 0.5.
    """

    def __init__(self, prob: float = 0.5) -> None:
        self.prob = prob

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() >= self.prob:
            return results
        keypoint = results['keypoint'].copy()
        keypoint[..., 0, :, :] = -keypoint[..., 0, :, :]
        order = np.arange(keypoint.shape[-1])
        for left, right in OPENPOSE18_FLIP_PAIRS:
            order[left], order[right] = right, left
        results['keypoint'] = keypoint[..., order]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'
