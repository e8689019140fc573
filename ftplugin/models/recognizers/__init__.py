from .pose_ae_classifier import PoseAEClassifier
from .signal_classifier import SignalClassifier

__all__ = ['PoseAEClassifier', 'SignalClassifier']
