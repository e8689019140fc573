from .fit_normalization_hook import FitNormalizationHook
from .resnet3d_stage_unfreeze_hook import ResNet3dStageUnfreezeHook
from .original_outputs_hook import OriginalOutputsHook
from .staged_unfreeze_hook import StagedUnfreezeHook
from .training_history_hook import TrainingHistoryHook

__all__ = ['StagedUnfreezeHook', 'TrainingHistoryHook',
           'ResNet3dStageUnfreezeHook',
           'FitNormalizationHook', 'OriginalOutputsHook']
