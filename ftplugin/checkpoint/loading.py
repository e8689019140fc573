"""The one checkpoint loader of ftplugin: ``weights_only=True`` with an
allow-list of the plain data types mmengine and ftplugin write.

Every route goes through :func:`safe_torch_load`: the adapter
(``load_from``, ``init_cfg``, test, export) directly and mmengine's own
``CheckpointLoader`` through :mod:`ftplugin.compat.checkpoint_loading`.
A file that needs more is refused with the globals it would have run.
"""
import contextlib
import os
import os.path as osp
import pickle
from typing import Iterator, List

import torch

# Directories whose checkpoints were written by the run that now resumes them.
_TRUSTED_DIRS: List[str] = []


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint needs arbitrary unpickling and is not ours to trust."""


def _history_buffer_getattr(obj, name):
    """``getattr`` limited to what mmengine's ``HistoryBuffer`` pickles.

    A ``HistoryBuffer`` stores its statistics methods (``min``, ``max``,
    ``current``, ``mean`` and registered ones), which pickle as
    ``getattr(HistoryBuffer, 'mean')``; any other use is refused.
    """
    from mmengine.logging import HistoryBuffer
    allowed = {'min', 'max', 'current', 'mean'}
    allowed.update(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'getattr({obj!r}, {name!r}) is not allowed in a checkpoint')


def _mmengine_safe_globals() -> list:
    """Plain data types that mmengine writes into its own checkpoints."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    from numpy._core import multiarray
    dtypes = [type(np.dtype(t)) for t in (
        'float64', 'float32', 'float16', 'int64', 'int32', 'int16', 'int8',
        'uint8', 'bool')]
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
            multiarray.scalar, (_history_buffer_getattr, 'builtins.getattr')
            ] + dtypes


@contextlib.contextmanager
def trusted_checkpoint_dir(path: str) -> Iterator[None]:
    """Trust checkpoints under ``path`` (the work dir of a resuming run).

    Args:
        path (str): Directory whose files this run wrote itself.
    """
    _TRUSTED_DIRS.append(osp.realpath(path))
    try:
        yield
    finally:
        _TRUSTED_DIRS.pop()


def _is_trusted(filename: str) -> bool:
    real = osp.realpath(filename)
    return any(real.startswith(d + os.sep) for d in _TRUSTED_DIRS)


def safe_torch_load(filename: str, map_location=None):
    """``torch.load`` with ``weights_only=True`` and mmengine's data types.

    Args:
        filename (str): Local checkpoint path.
        map_location: As for :func:`torch.load`.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: if the file needs arbitrary unpickling and it
            is not inside the work dir of the run that resumes it.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        with torch.serialization.safe_globals(_mmengine_safe_globals()):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if _is_trusted(filename):
            # written by this very run (resume): full unpickling is safe
            return torch.load(
                filename, map_location=map_location, weights_only=False)
        try:
            unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
                filename)
        except Exception:  # noqa: BLE001 - only used for the message
            unsafe = ['<unknown>']
        raise UnsafeCheckpointError(
            f'Refusing to load {filename}: it is not a plain weights file '
            f'and loading it would execute code from these globals: '
            f'{unsafe}. ftplugin loads foreign checkpoints with '
            f'weights_only=True. If you trust the file, re-save its '
            f'state_dict with plain tensors first.') from err
