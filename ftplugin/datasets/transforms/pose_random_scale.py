from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class PoseRandomScale(BaseTransform):
    """Scale a normalised pose window by a random factor (size jitter).

    Multiplies ``keypoint`` (..., 2, T, J), centred by
    ``normalize_pose_sequence``, by one factor drawn uniformly from
    ``scale_range`` (x and y alike); missing joints (0) stay 0.

    Args:
        scale_range (Sequence[float]): Lowest and highest factor.
            Defaults to (0.8, 1.2).
    """

    def __init__(self, scale_range: Sequence[float] = (0.8, 1.2)) -> None:
        if len(scale_range) != 2 or not 0 < scale_range[0] <= scale_range[1]:
            raise ValueError(f'scale_range must be (low, high) with 0 < low '
                             f'<= high, got {scale_range}')
        self.scale_range = tuple(scale_range)

    def transform(self, results: Dict) -> Dict:
        factor = np.random.uniform(*self.scale_range)
        keypoint = results['keypoint']
        results['keypoint'] = (keypoint * factor).astype(keypoint.dtype)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(scale_range={self.scale_range})'
