from .load_pose_windows import LoadPoseWindows
from .load_signal_window import LoadSignalWindow
from .load_thermal_clip import LoadThermalClip
from .pack_heart_rate_inputs import PackHeartRateInputs
from .pose_random_flip import PoseRandomFlip
from .pose_random_joint_dropout import PoseRandomJointDropout
from .pose_random_scale import PoseRandomScale
from .with_object_boxes import WithObjectBoxes

__all__ = [
    'LoadPoseWindows', 'LoadSignalWindow', 'LoadThermalClip',
    'PackHeartRateInputs', 'PoseRandomFlip', 'PoseRandomJointDropout',
    'PoseRandomScale', 'WithObjectBoxes'
]
