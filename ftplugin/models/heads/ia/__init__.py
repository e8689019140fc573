"""AlphAction's Interaction Aggregation (IA) for :class:`RoIActionHead`."""
from .interaction_aggregation import InteractionAggregation
from .interaction_block import InteractionBlock
from .memory_pool import MemoryPool

__all__ = ['InteractionAggregation', 'InteractionBlock', 'MemoryPool']
