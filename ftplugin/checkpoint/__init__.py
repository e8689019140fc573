"""Checkpoints: the one allow-listed loader, the adapter and inflation.

See ``docs/checkpoint_adapter.md``.
"""
from .adapter import (STATE_DICT_KEYS, CheckpointMismatchError, LoadReport,
                      check_resume_fit, extract_state_dict, load_pretrained,
                      remap_keys)
from .inflation import INFLATE_INITS, Inflation, inflate_channels
from .loading import (CorruptCheckpointError, UnsafeCheckpointError,
                      safe_torch_load)

__all__ = ['load_pretrained', 'check_resume_fit', 'extract_state_dict', 'remap_keys',
           'inflate_channels', 'LoadReport', 'safe_torch_load',
           'UnsafeCheckpointError', 'CheckpointMismatchError',
           'CorruptCheckpointError',
           'STATE_DICT_KEYS', 'INFLATE_INITS', 'Inflation']
