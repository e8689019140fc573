from .heart_rate_head import HeartRateHead
from .mlp_head import MLPHead
from .roi_action_head import RoIActionHead

__all__ = ['HeartRateHead', 'MLPHead', 'RoIActionHead']
