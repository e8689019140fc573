from .atomic_checkpoint_hook import AtomicCheckpointHook
from .divergence_guard_hook import DivergenceError, DivergenceGuardHook
from .fit_normalization_hook import FitNormalizationHook
from .ia_memory_hook import IAMemoryHook
from .original_outputs_hook import OriginalOutputsHook
from .random_state_hook import RandomStateHook
from .resnet3d_stage_unfreeze_hook import ResNet3dStageUnfreezeHook
from .resumable_early_stopping_hook import ResumableEarlyStoppingHook
from .staged_unfreeze_hook import StagedUnfreezeHook
from .training_history_hook import TrainingHistoryHook

__all__ = ['StagedUnfreezeHook', 'TrainingHistoryHook',
           'ResNet3dStageUnfreezeHook',
           'FitNormalizationHook', 'OriginalOutputsHook', 'AtomicCheckpointHook',
           'DivergenceGuardHook', 'DivergenceError', 'RandomStateHook',
           'ResumableEarlyStoppingHook', 'IAMemoryHook']
