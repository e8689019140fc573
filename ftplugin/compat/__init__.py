"""Patches that make the pinned OpenMMLab stack run here, one module each.

Pinned: torch 2.13 (CPU build), mmengine 0.10.7, mmcv-lite 2.1.0, mmaction2
1.2.0. Each module names the upstream problem it works around and checks the
installed version it targets (a no-op, with a debug line on the
``ftplugin.compat`` logger, elsewhere). ``ftplugin/__init__.py`` calls
:func:`apply` before registering anything, so stock mmengine / mmaction2
entry points (including mmaction2's own ``tools/train.py`` through
``custom_imports``) behave the same. See ``docs/compatibility_patches.md``.
"""
import warnings

from . import (checkpoint_git_hash, checkpoint_loading, cpu_amp,
               cpu_distributed, installed_path, missing_drn)
from .versions import affected

# In order: drn before anything imports mmaction.models (the checkpoint
# package does, through ftplugin.models).
PATCHES = (installed_path, missing_drn, checkpoint_loading, cpu_distributed,
           cpu_amp, checkpoint_git_hash)


def _import_mmcv_lite_quietly() -> None:
    """mmcv-lite has no compiled ops by design; the warning its
    ``transformer`` module gives on import about
    ``MultiScaleDeformableAttention`` says nothing a user can act on. It is
    silenced for that one import only, not by a global filter."""
    if not affected('quiet mmcv-lite import', 'mmcv-lite', '<=2.1.0'):
        return
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Fail to import ``MultiScaleDeformableAttention')
        import mmcv.cnn.bricks.transformer  # noqa: F401


def apply() -> None:
    """Apply every patch (each is idempotent)."""
    _import_mmcv_lite_quietly()
    for patch in PATCHES:
        patch.apply()


__all__ = ['apply', 'PATCHES']
