from .multi_view_clips import MultiViewClips
from .pack_heart_rate_inputs import PackHeartRateInputs
from .pose_random_flip import PoseRandomFlip
from .pose_random_joint_dropout import PoseRandomJointDropout
from .pose_random_scale import PoseRandomScale

__all__ = [
    'MultiViewClips', 'PackHeartRateInputs', 'PoseRandomFlip', 'PoseRandomJointDropout',
    'PoseRandomScale'
]
