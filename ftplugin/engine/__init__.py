from .class_set import (ClassSetError, check_class_set, class_set_problems,
                        resolve_auto_classes)
from .hooks import *  # noqa: F401,F403
from .optimizers import LayerDecayOptimWrapperConstructor
from .runner import FineTuneRunner, MissingPretrainedError
from .work_dir_lock import WorkDirInUseError, WorkDirLock

__all__ = ['FineTuneRunner', 'MissingPretrainedError', 'ClassSetError',
           'check_class_set', 'class_set_problems', 'resolve_auto_classes',
           'WorkDirLock', 'WorkDirInUseError',
           'LayerDecayOptimWrapperConstructor']
