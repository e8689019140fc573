from .classification_metric import ClassificationMetric
from .heart_rate_metric import HeartRateMetric
from .reconstruction_metric import ReconstructionMetric

__all__ = ['ClassificationMetric', 'HeartRateMetric', 'ReconstructionMetric']
