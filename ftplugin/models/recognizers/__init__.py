from .pose_ae_classifier import PoseAEClassifier
from .roi_action_detector import RoIActionDetector
from .signal_classifier import SignalClassifier

__all__ = ['PoseAEClassifier', 'RoIActionDetector', 'SignalClassifier']
