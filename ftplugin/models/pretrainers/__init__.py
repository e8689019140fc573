from .masked_signal_pretrainer import MaskedSignalPretrainer
from .pose_ae_pretrainer import PoseAEPretrainer

__all__ = ['MaskedSignalPretrainer', 'PoseAEPretrainer']
