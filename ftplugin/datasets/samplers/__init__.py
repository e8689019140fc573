from .class_balanced_sampler import ClassBalancedSampler
from .seeded_index_sampler import SeededIndexSampler

__all__ = ['ClassBalancedSampler', 'SeededIndexSampler']
