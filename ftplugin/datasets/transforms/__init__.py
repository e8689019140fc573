from .pack_heart_rate_inputs import PackHeartRateInputs
from .pose_random_flip import PoseRandomFlip

__all__ = ['PackHeartRateInputs', 'PoseRandomFlip']
