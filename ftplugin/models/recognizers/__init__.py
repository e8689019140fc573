from .heart_rate_regressor import HeartRateRegressor
from .masked_signal_pretrainer import MaskedSignalPretrainer
from .pose_ae_classifier import PoseAEClassifier
from .pose_ae_pretrainer import PoseAEPretrainer
from .roi_action_detector import RoIActionDetector
from .signal_classifier import SignalClassifier

__all__ = ['HeartRateRegressor', 'PoseAEClassifier', 'PoseAEPretrainer',
           'MaskedSignalPretrainer', 'SignalClassifier', 'RoIActionDetector']
