from .normalize_pose_windows import NormalizePoseWindows
from .pack_heart_rate_inputs import PackHeartRateInputs
from .pose_random_flip import PoseRandomFlip
from .pose_random_joint_dropout import PoseRandomJointDropout
from .pose_random_scale import PoseRandomScale
from .sample_pose_windows import SamplePoseWindows

__all__ = [
    'NormalizePoseWindows', 'PackHeartRateInputs', 'PoseRandomFlip',
    'PoseRandomJointDropout', 'PoseRandomScale', 'SamplePoseWindows'
]
