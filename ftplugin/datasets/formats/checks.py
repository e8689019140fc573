"""Checks shared by the datasets (at run time) and ``tools/validate_data.py``.

A dataset raises the first problem it finds, with a message naming the file
and the field. Inside :func:`collecting`, the same checks record every
problem instead and skip what is affected, so one pass over a data root
lists all of them; ``tools/validate_data.py`` is that pass.
"""
import contextlib
import contextvars
import logging
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


def warn_or_record(message: str, skipped_by_config: bool = False) -> None:
    """A known, skippable defect: a warning at run time, a problem in a
    validation pass (a note there when ``skipped_by_config``: the config
    asked for it to be skipped, so training runs as validated).

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
        problems.append(message)


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
