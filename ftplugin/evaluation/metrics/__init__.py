from .atomic_dump_results import AtomicDumpResults
from .classification_metric import ClassificationMetric
from .frame_map_metric import FrameMAPMetric
from .heart_rate_metric import HeartRateMetric
from .reconstruction_metric import ReconstructionMetric

__all__ = ['AtomicDumpResults', 'ClassificationMetric', 'FrameMAPMetric', 'HeartRateMetric', 'ReconstructionMetric']
