from .classification_metric import ClassificationMetric
from .reconstruction_metric import ReconstructionMetric

__all__ = ['ClassificationMetric', 'ReconstructionMetric']
