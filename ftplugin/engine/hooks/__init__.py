from .atomic_checkpoint_hook import AtomicCheckpointHook
from .divergence_guard_hook import DivergenceError, DivergenceGuardHook
from .fit_normalization_hook import FitNormalizationHook
from .random_state_hook import RandomStateHook
from .resnet3d_stage_unfreeze_hook import ResNet3dStageUnfreezeHook
from .resumable_early_stopping_hook import ResumableEarlyStoppingHook
from .seed_outputs_hook import SeedOutputsHook
from .staged_unfreeze_hook import StagedUnfreezeHook
from .training_history_hook import TrainingHistoryHook

__all__ = ['StagedUnfreezeHook', 'TrainingHistoryHook',
           'ResNet3dStageUnfreezeHook',
           'FitNormalizationHook', 'SeedOutputsHook', 'AtomicCheckpointHook',
           'DivergenceGuardHook', 'DivergenceError', 'RandomStateHook',
           'ResumableEarlyStoppingHook']
