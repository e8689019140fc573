"""Long multi-channel signal recordings as ``.npz``: ``signals`` (or
``data``) ``(C, T)`` or ``(T, C)``, ``channel_names`` (C, ) and
``sample_rate`` (or ``fs``) in Hz; cut into a model's windows at inference.
"""
from typing import Optional, Sequence, Tuple

import numpy as np

from .checks import read_npz
from .signal_windows_npz import SAMPLE_RATE_FIELDS as RATE_FIELDS
from .signal_windows_npz import check_unique_channels


def order_channels(path: str, field: str, signals: np.ndarray,
                   names: Sequence[str],
                   channels: Sequence[str]) -> np.ndarray:
    """``(C, T)`` or ``(T, C)`` samples of the file's channels ``names`` ->
    float32 ``(len(channels), T)`` in ``channels`` order; errors name the
    file and the field."""
    names = tuple(names)
    check_unique_channels(path, 'channel_names', names)
    if signals.ndim != 2 or min(signals.shape) == 0:
        raise ValueError(f'{path}: field {field!r} has shape {signals.shape}'
                         f', expected (C, T) or (T, C) samples')
    if not np.issubdtype(signals.dtype, np.number):
        raise ValueError(f'{path}: field {field!r} has dtype '
                         f'{signals.dtype}, expected numbers')
    n_ch = len(names)
    if (signals.shape[0] == n_ch) == (signals.shape[1] == n_ch):
        raise ValueError(f'{path}: field {field!r} has shape {signals.shape};'
                         f' expected {n_ch} channels ({", ".join(names)}) '
                         f'on axis 0 or 1')
    if signals.shape[1] == n_ch:  # (T, C)
        signals = signals.T
    missing = [c for c in channels if c not in names]
    if missing:
        raise ValueError(f'{path}: channel(s) {missing} not in the file\'s '
                         f'channels {list(names)}')
    out = np.ascontiguousarray(
        signals[[names.index(c) for c in channels]], dtype=np.float32)
    bad = ~np.isfinite(out)
    if bad.any():
        raise ValueError(f'{path}: field {field!r} holds {int(bad.sum())} '
                         f'NaN/inf value(s), first at sample '
                         f'{int(np.nonzero(bad)[1].min())}')
    return out


def read_signal_recording_npz(path: str, channels: Sequence[str],
                              file_channels: Sequence[str],
                              signal_keys: Sequence[str] = ('signals',
                                                            'data'),
                              sample_rate: Optional[float] = None
                              ) -> Tuple[np.ndarray, float]:
    """Read a recording: ``(len(channels), T)`` float32 and its rate (Hz).

    Args:
        path (str): The ``.npz``.
        channels (Sequence[str]): The channels wanted, in order.
        file_channels (Sequence[str]): The file's channel order when it has
            no ``channel_names`` field.
        signal_keys (Sequence[str]): Field names tried for the samples.
        sample_rate (float, optional): The rate when the file has no
            ``sample_rate`` / ``fs`` field.
    """
    data = read_npz(path, optional=tuple(signal_keys) + (
        'channel_names', ) + RATE_FIELDS)
    key = next((k for k in signal_keys if k in data), None)
    if key is None:
        raise KeyError(f'{path}: no field {" or ".join(map(repr, signal_keys))}'
                       f' with the samples; fields are {data["__fields__"]}')
    names = (tuple(str(c) for c in data['channel_names'])
             if 'channel_names' in data else tuple(file_channels))
    signals = order_channels(path, key, data[key], names, channels)
    rate_field = next((k for k in RATE_FIELDS if k in data), None)
    if rate_field is not None:
        try:
            rate = float(data[rate_field])
        except (TypeError, ValueError):
            rate = float('nan')
        if not rate > 0 or not np.isfinite(rate):
            raise ValueError(f'{path}: field {rate_field!r} must be a '
                             f'positive number (Hz), got {data[rate_field]!r}')
    elif sample_rate is not None:
        rate = float(sample_rate)
    else:
        raise ValueError(f'{path}: no field "sample_rate" (or "fs"): give '
                         f'the recording\'s rate in Hz (--sample-rate)')
    return signals, rate
