from .heart_rate_head import HeartRateHead
from .ia import InteractionAggregation, InteractionBlock, MemoryPool
from .mlp_head import MLPHead
from .roi_action_head import RoIActionHead

__all__ = ['HeartRateHead', 'InteractionAggregation', 'InteractionBlock',
           'MemoryPool', 'MLPHead', 'RoIActionHead']
