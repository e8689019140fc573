"""The one checkpoint loader of ftplugin: ``weights_only=True`` with an
allow-list of exactly the plain data types mmengine and ftplugin write.

Every route goes through :func:`safe_torch_load`: the adapter
(``load_from``, test, export) directly, and mmengine's own
``CheckpointLoader`` (``init_cfg``, ``--resume`` including the file named by
``last_checkpoint``, a stock runner's ``load_from``, URLs) through
:mod:`ftplugin.compat.checkpoint_loading`. There is no exception by path: a
file that needs any other global is refused, with the globals it names,
before anything of it runs.
"""
import os
import os.path as osp
import pickle
import struct
import zipfile

import torch


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint needs unpickling beyond the allow-list."""


class CorruptCheckpointError(RuntimeError):
    """A checkpoint file is empty, truncated or not a checkpoint, or
    ``last_checkpoint`` names no checkpoint."""


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


# numpy dtypes of the arrays and scalars mmengine logs and of numpy's RNG
# state (uint32), which resuming checkpoints carry
NUMPY_DTYPES = ('float64', 'float32', 'float16', 'int64', 'int32', 'int16',
                'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool')


def allowed_globals() -> list:
    """The types a checkpoint may hold besides torch's own: mmengine's
    ``HistoryBuffer`` (message hub) with its statistics methods, and numpy
    arrays, scalars and dtypes (logged values, numpy RNG state)."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    from numpy._core import multiarray
    dtypes = [type(np.dtype(t)) for t in NUMPY_DTYPES]
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
            multiarray.scalar, (_history_buffer_getattr, 'builtins.getattr')
            ] + dtypes


def safe_torch_load(filename: str, map_location=None):
    """``torch.load`` with ``weights_only=True`` and mmengine's data types.

    Args:
        filename (str): Local checkpoint path.
        map_location: As for :func:`torch.load`.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: if the file needs any global beyond
            :func:`allowed_globals`, whatever its path.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    size = osp.getsize(filename)
    if size == 0:
        raise CorruptCheckpointError(
            f'{filename} is empty (0 bytes), not a checkpoint: a save, copy '
            f'or download that did not finish? Use another checkpoint.')
    try:
        with torch.serialization.safe_globals(allowed_globals()):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except PermissionError:
        raise  # names the file already
    except (EOFError, RuntimeError, ValueError, KeyError, IndexError,
            OSError, zipfile.BadZipFile, struct.error) as err:
        # torch's own messages ("failed finding central directory", "Ran
        # out of input") name no file
        raise CorruptCheckpointError(
            f'{filename} ({size} bytes) is not a readable checkpoint: '
            f'truncated (a save, copy or download that did not finish?) or '
            f'another format ({type(err).__name__}: {str(err)[:200]}). Use '
            f'another checkpoint.') from err
    except pickle.UnpicklingError as err:
        try:
            unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
                filename)
        except Exception:  # noqa: BLE001 - only used for the message
            unsafe = ['<unknown>']
        raise UnsafeCheckpointError(
            f'Refusing to load {filename}: it is not a plain checkpoint; '
            f'unpickling it would call these globals, which ftplugin does '
            f'not allow: {unsafe}. Nothing of the file was run. ftplugin '
            f'loads every checkpoint (load_from, init_cfg, --resume, test, '
            f'export) with weights_only=True. If you trust the file, re-save '
            f'its state_dict with plain tensors first.') from err


def load_from_url(url: str, map_location=None, model_dir=None):
    """Download ``url`` once (torch's hub cache) and :func:`safe_torch_load`
    it; mmengine's ``http(s)://``, ``torchvision://`` and ``open-mmlab://``
    routes end here.

    Args:
        url (str): Checkpoint URL.
        map_location: As for :func:`torch.load`.
        model_dir (str, optional): Cache folder; torch hub's by default.
    """
    from urllib.parse import urlparse
    model_dir = model_dir or osp.join(torch.hub.get_dir(), 'checkpoints')
    cached = osp.join(model_dir, osp.basename(urlparse(url).path))
    if not osp.isfile(cached):
        os.makedirs(model_dir, exist_ok=True)
        torch.hub.download_url_to_file(url, cached)
    return safe_torch_load(cached, map_location=map_location)


def resolve_last_checkpoint(work_dir: str, logger=None):
    """The checkpoint a ``--resume`` without a file continues from: the one
    ``<work_dir>/last_checkpoint`` names, checked.

    A work dir that was moved or copied still names the old folder's file:
    the file of the same name in ``work_dir`` is taken instead (logged).

    Args:
        work_dir (str): The run's folder.
        logger: Where the substitution is logged (optional).

    Returns:
        str | None: The checkpoint path; None without ``last_checkpoint``
        (mmengine then starts afresh, as it does).

    Raises:
        CorruptCheckpointError: ``last_checkpoint`` is unreadable, empty,
            or names no existing file (naming it and what it holds).
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        return None
    try:
        with open(pointer, 'rb') as f:
            raw = f.read(4097)
        text = raw.decode('utf-8').strip()
    except (OSError, UnicodeDecodeError) as err:
        text, raw = None, str(err).encode()
    candidates = []
    if text and len(text) <= 4096 and '\n' not in text and '\0' not in text:
        candidates = [text, osp.join(work_dir, osp.basename(text))]
    for path in candidates:
        if osp.isfile(path):
            if path != text and logger is not None:
                logger.warning(f'{pointer} names {text}, absent (a moved or '
                               f'copied work dir?): resuming from {path}')
            return path
    epochs = sorted((f for f in os.listdir(work_dir)
                     if f.endswith('.pth') and not f.startswith('.')),
                    key=lambda f: osp.getmtime(osp.join(work_dir, f)))
    hint = (f'pass --resume {osp.join(work_dir, epochs[-1])} (the newest '
            f'checkpoint there)' if epochs else
            'the folder holds no checkpoint: train without --resume')
    raise CorruptCheckpointError(
        f'{pointer} should name the checkpoint to resume from, but holds '
        f'{raw[:80]!r}, which is not an existing file: {hint}, or delete '
        f'{pointer}.')
