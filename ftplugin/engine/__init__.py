from .hooks import *  # noqa: F401,F403
from .optimizers import LayerDecayOptimWrapperConstructor
from .runner import FineTuneRunner

__all__ = ['FineTuneRunner', 'LayerDecayOptimWrapperConstructor']
