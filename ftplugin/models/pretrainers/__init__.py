from .base_clip_pretrainer import BaseClipPretrainer
from .contrastive_clip_pretrainer import ContrastiveClipPretrainer
from .masked_clip_pretrainer import MaskedClipPretrainer
from .masked_signal_pretrainer import MaskedSignalPretrainer
from .pose_ae_pretrainer import PoseAEPretrainer

__all__ = [
    'BaseClipPretrainer', 'ContrastiveClipPretrainer', 'MaskedClipPretrainer',
    'MaskedSignalPretrainer', 'PoseAEPretrainer'
]
