from .pose_ae_classifier import PoseAEClassifier
from .pose_ae_pretrainer import PoseAEPretrainer

__all__ = ['PoseAEClassifier', 'PoseAEPretrainer']
