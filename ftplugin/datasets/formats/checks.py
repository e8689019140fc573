"""Checks shared by the datasets (at run time) and ``tools/validate_data.py``.

A dataset raises the first problem it finds, with a message naming the file
and the field. Inside :func:`collecting`, the same checks record every
problem instead and skip what is affected, so one pass over a data root
lists all of them; ``tools/validate_data.py`` is that pass.

Two kinds of problem: errors (training stops) and warnings
(:class:`DataWarning`: training goes on, e.g. a skipped header-only file).
A value that is probably wrong but could be legitimate (a temperature range,
a coordinate scale) is :func:`implausible`: an error unless the dataset was
built with ``on_implausible='warn'``, which makes it a warning.
"""
import contextlib
import contextvars
import json
import logging
import os.path as osp
import zipfile
import zlib
from typing import Dict, Iterator, List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log

_PROBLEMS: contextvars.ContextVar = contextvars.ContextVar(
    'ftplugin_data_problems', default=None)

# what reading a malformed file raises, besides our own messages
READ_ERRORS = (ValueError, KeyError, TypeError, IndexError, OSError,
               EOFError, zipfile.BadZipFile, zlib.error)


class Problems(list):
    """What a validation pass found: the problems (the list itself) and, in
    ``notes``, what the config's own settings skip (e.g. ``on_empty='skip'``),
    listed but not counted as problems."""

    def __init__(self):
        super().__init__()
        self.notes: List[str] = []


@contextlib.contextmanager
def collecting() -> Iterator[Problems]:
    """Record problems in the yielded list instead of raising them."""
    problems = Problems()
    token = _PROBLEMS.set(problems)
    try:
        yield problems
    finally:
        _PROBLEMS.reset(token)


def is_collecting() -> bool:
    """Whether :func:`collecting` is active."""
    return _PROBLEMS.get() is not None


@contextlib.contextmanager
def per_item(what: str) -> Iterator[None]:
    """One file or sample: inside :func:`collecting`, an error raised for it
    is recorded (prefixed with ``what`` unless the message names it) and the
    item skipped; otherwise the error propagates unchanged.

    Args:
        what (str): The file (or ``file[index]``) being read.
    """
    try:
        yield
    except READ_ERRORS as err:
        problems = _PROBLEMS.get()
        if problems is None:
            raise
        message = str(err.args[0]) if (isinstance(err, KeyError)
                                       and err.args) else str(err)
        problems.append(message if what in message else
                        f'{what}: {type(err).__name__}: {message}')


class DataWarning(str):
    """A recorded problem that does not stop training (counted apart from
    errors by ``tools/validate_data.py``)."""


def warn_or_record(message: str, skipped_by_config: bool = False) -> None:
    """A known, skippable defect: a warning at run time; in a validation
    pass a :class:`DataWarning`, or a note when ``skipped_by_config`` (the
    config asked for it to be skipped, so training runs as validated).

    Args:
        message (str): What is skipped, naming the files.
        skipped_by_config (bool): The config's setting skips it (e.g.
            ``on_empty='skip'``). Defaults to False.
    """
    problems = _PROBLEMS.get()
    if problems is None:
        print_log(message, logger='current', level=logging.WARNING)
    elif skipped_by_config and isinstance(problems, Problems):
        problems.notes.append(message)
    else:
        problems.append(DataWarning(message))


def record_error(message: str) -> bool:
    """Inside :func:`collecting`, record ``message`` as an error and return
    True (the caller goes on); otherwise return False (the caller raises)."""
    problems = _PROBLEMS.get()
    if problems is None:
        return False
    problems.append(message)
    return True


IMPLAUSIBLE_MODES = ('error', 'warn')


def check_implausible_mode(on_implausible: str) -> str:
    """The ``on_implausible`` argument of a dataset, checked."""
    if on_implausible not in IMPLAUSIBLE_MODES:
        raise ValueError(f'on_implausible must be one of '
                         f'{IMPLAUSIBLE_MODES}, got {on_implausible!r}')
    return on_implausible


def implausible(message: str, on_implausible: str = 'error') -> None:
    """A value that is probably wrong (wrong unit, scale or layout) but
    could be what the user means: an error naming the opt-out, or with
    ``on_implausible='warn'`` a warning. Inside :func:`collecting` either
    is recorded and the caller goes on.

    Args:
        message (str): Names the file, the field and the likely cause.
        on_implausible (str): The dataset's ``on_implausible``.
    """
    if on_implausible == 'warn':
        warn_or_record(message + ' (accepted: on_implausible="warn")')
        return
    message += ('. If the values are right, build the dataset with '
                'on_implausible="warn" (e.g. --cfg-options '
                'train_dataloader.dataset.on_implausible=warn, and the same '
                'for val_/test_dataloader)')
    # a validation pass records it and reads on: the rest of the file is
    # checked too
    if not record_error(message):
        raise ValueError(message)


def check_real_numbers(path: str, what: str, dtype) -> None:
    """Refuse a non-numeric, boolean or complex ``dtype`` (a cast to float
    would drop the imaginary part with a warning naming no file).

    Args:
        path (str): The file.
        what (str): The field, as the reader names it (e.g.
            ``'field "poses"'``).
        dtype: Its dtype.
    """
    dtype = np.dtype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        raise ValueError(f'{path}: {what} has complex dtype {dtype}: '
                         f'expected real numbers (a cast would drop the '
                         f'imaginary part; save the real values, e.g. '
                         f'np.abs(x) or x.real, as float32)')
    if not np.issubdtype(dtype, np.number):
        raise ValueError(f'{path}: {what} has dtype {dtype}, expected real '
                         f'numbers')


def _inside(root: str, path: str) -> bool:
    return osp.commonpath([root, path]) == root


def check_inside_root(path_piece: str, where: str, field: str,
                      root: str) -> None:
    """A path taken from an annotation must name a place inside ``root``
    (the folder it is relative to): not absolute, and no ``..`` that climbs
    out of it, resolved through symlinks where it has a ``..`` (a symlink
    the user put inside ``root`` is fine, wherever it points).

    Args:
        path_piece (str): The annotation's value (a sensor id, a video).
        where (str): The annotation entry, e.g. ``file: images[3]``.
        field (str): Its field.
        root (str): The folder it is relative to.
    """
    piece = str(path_piece)
    base = osp.abspath(root)
    leaves = osp.isabs(piece) or not _inside(
        base, osp.normpath(osp.join(base, piece)))
    if not leaves and '..' in piece.split('/'):
        # the OS applies ".." after following links: resolve both
        leaves = not _inside(osp.realpath(base),
                             osp.realpath(osp.join(base, piece)))
    if leaves:
        raise ValueError(
            f'{where} field "{field}" is {piece!r}: it points outside the '
            f'data folder {root}; paths in annotations must stay inside it '
            f'(relative, no ".." out of it; put a symlink inside the folder '
            f'to use files kept elsewhere)')


def read_npz(path: str, required: Sequence[str] = (),
             optional: Sequence[str] = ()) -> Dict[str, np.ndarray]:
    """Read fields of a ``.npz`` file, naming the file and the field in
    every error (a truncated or corrupt archive included).

    Args:
        path (str): The file.
        required (Sequence[str]): Fields that must be present.
        optional (Sequence[str]): Fields read when present.

    Returns:
        dict[str, np.ndarray]: The fields read, and ``'__fields__'``: the
        names the file holds.
    """
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f'{path}: file not found') from None
    except READ_ERRORS as err:
        raise ValueError(f'{path}: not a readable .npz file (truncated or '
                         f'corrupt: {type(err).__name__}: {err})') from err
    if not hasattr(data, 'files'):
        # np.load hands a .npy file (np.save) back as one bare array
        raise ValueError(
            f'{path}: a single .npy array of shape {np.shape(data)}, not an '
            f'.npz archive of named fields (e.g. '
            f'{list(required) + list(optional)}): write it with '
            f'np.savez(path, name=array, ...)')
    out = {}
    with data:
        fields = list(data.files)
        missing = [f for f in required if f not in fields]
        if missing:
            raise ValueError(f'{path}: missing field(s) {missing}; fields '
                             f'are {fields}')
        for name in list(required) + [f for f in optional if f in fields]:
            try:
                out[name] = data[name]
            except READ_ERRORS as err:
                raise ValueError(
                    f'{path}: field {name!r} cannot be read (truncated or '
                    f'corrupt file: {type(err).__name__}: {err})') from err
            if not isinstance(out[name], np.ndarray):
                # numpy hands a member without the .npy header back as bytes
                raise ValueError(f'{path}: field {name!r} is not a .npy '
                                 f'array (corrupt file?)')
    out['__fields__'] = fields
    return out


def check_finite(path: str, field: str, values: np.ndarray,
                 index: Optional[int] = None) -> None:
    """NaN/Inf in ``values`` is an error naming file, field and index."""
    # no float64 copy: it runs on every thermal clip as it is read
    bad = ~np.isfinite(np.asarray(values))
    if bad.any():
        where = f'[{index}]' if index is not None else ''
        raise ValueError(f'{path}{where}: field {field!r} holds '
                         f'{int(bad.sum())} NaN/Inf value(s)')


def load_json(path: str, what: str = 'file') -> object:
    """JSON of ``path``; errors name the file (``what``: how to call it in
    the not-found message)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: {what} not found')
    try:
        with open(path) as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f'{path}: not valid JSON ({e})') from e


def read_csv_table(path: str, header: str):
    """``pandas.read_csv`` of ``path``; an empty or unreadable file is an
    error naming it (``header``: what its header should hold)."""
    import pandas as pd
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError as err:
        raise ValueError(f'{path}: empty file, {header}') from err
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not a readable CSV ({err})') from err
