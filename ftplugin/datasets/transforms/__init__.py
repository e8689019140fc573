from .load_pose_file import LoadPoseFile
from .load_signal_window import LoadSignalWindow
from .load_thermal_clip import LoadThermalClip
from .multi_view_clips import MultiViewClips
from .normalize_pose_windows import NormalizePoseWindows
from .pack_heart_rate_inputs import PackHeartRateInputs
from .pose_random_flip import PoseRandomFlip
from .pose_random_joint_dropout import PoseRandomJointDropout
from .pose_random_scale import PoseRandomScale
from .sample_pose_windows import SamplePoseWindows
from .with_object_boxes import WithObjectBoxes

__all__ = [
    'LoadPoseFile', 'LoadSignalWindow', 'LoadThermalClip',
    'MultiViewClips', 'NormalizePoseWindows', 'PackHeartRateInputs', 'PoseRandomFlip',
    'PoseRandomJointDropout', 'PoseRandomScale', 'SamplePoseWindows',
    'WithObjectBoxes'
]
