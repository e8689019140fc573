from .pack_heart_rate_inputs import PackHeartRateInputs
from .pose_random_flip import PoseRandomFlip
from .pose_random_joint_dropout import PoseRandomJointDropout
from .pose_random_scale import PoseRandomScale
from .with_object_boxes import WithObjectBoxes

__all__ = [
    'PackHeartRateInputs', 'PoseRandomFlip', 'PoseRandomJointDropout',
    'PoseRandomScale', 'WithObjectBoxes'
]
