from .training_history_hook import TrainingHistoryHook

__all__ = ['TrainingHistoryHook']
