from .heart_rate_head import HeartRateHead
from .mlp_head import MLPHead

__all__ = ['HeartRateHead', 'MLPHead']
