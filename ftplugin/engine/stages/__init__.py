"""The machinery of staged fine-tuning, shared by the staged-unfreezing
hooks, the layer-wise lr decay and ``tools/analysis/print_schedule.py``:
stages and their transitions, a model's depth order, and parameter
schedulers that fit the run's length."""
from .depth_groups import auto_stages, depth_groups, group_of
from .scheduler_fitting import fit_schedulers
from .stage_schedule import StageSchedule, epochs_of

__all__ = ['StageSchedule', 'epochs_of', 'depth_groups', 'auto_stages',
           'group_of', 'fit_schedulers']
