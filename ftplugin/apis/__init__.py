"""What a user calls from Python: experiment orchestration (k-fold, the
transfer study) and data validation; inference lands here too."""
from .data_validation import validate_config
from .kfold import run_kfold
from .transfer_study import run_transfer_study, twin_configs

__all__ = ['validate_config', 'run_kfold', 'run_transfer_study',
           'twin_configs']
