from .staged_unfreeze_hook import StagedUnfreezeHook
from .training_history_hook import TrainingHistoryHook

__all__ = ['StagedUnfreezeHook', 'TrainingHistoryHook']
