from .heart_rate_lstm import HeartRateLSTM
from .pose_autoencoder import PoseAutoencoder
from .signal_transformer import SignalTransformer

__all__ = ['HeartRateLSTM', 'PoseAutoencoder', 'SignalTransformer']
