"""Signal window files (butppg ``{split}.npz``, VitalDB
``{split}_windows.npz``): ``signals`` / ``data`` ``[N, C, T]`` or
``[N, T, C]``, optional ``labels`` ``[N]`` and ``channel_names`` (read by
:class:`~ftplugin.datasets.base_signal_dataset.BaseSignalDataset`).

Plausibility of the channels' scale, from the per-channel statistics the
dataset computes anyway (no second pass over the windows): a channel
constant over a whole file, and a split whose channels are on another scale
than the training split's (z-scored per channel in one split only, another
unit or gain).
"""

import os.path as osp
from typing import Optional, Sequence, Tuple

import numpy as np

from .checks import check_real_numbers, implausible, read_npz

# per-channel std ratio / mean offset (in stds) between a split and the
# training split beyond which they are not on one scale
MAX_STD_RATIO = 10.0
MAX_MEAN_OFFSET = 5.0
# fields that state a file's sample rate (Hz)
SAMPLE_RATE_FIELDS = ('sample_rate', 'fs')


def check_constant_channels(path: str, field: str, names: Sequence[str],
                            mean: np.ndarray, std: np.ndarray,
                            on_implausible: str = 'error') -> None:
    """Refuse channels that hold one value in every window of a file (a
    disconnected sensor, a placeholder): they carry nothing, and the
    training split's cannot be normalised.

    Args:
        path (str): The file.
        field (str): Its field of the windows.
        names (Sequence[str]): The channels, in order.
        mean (np.ndarray): (C, ) per-channel mean over all windows.
        std (np.ndarray): (C, ) per-channel std over all windows.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    flat = std <= 1e-8 * np.maximum(1.0, np.abs(mean))
    if flat.any():
        listed = ', '.join(f'{names[i]} (= {mean[i]:g})'
                           for i in np.flatnonzero(flat))
        implausible(f'{path}: field {field!r}: channel(s) {listed} hold one '
                    f'value in every window: a disconnected sensor or a '
                    f'placeholder (leave the channel out with the '
                    f'dataset\'s channels=...)', on_implausible)


def _looks_z_scored(mean: float, std: float) -> bool:
    return abs(mean) < 0.05 and abs(std - 1) < 0.05


def check_channel_scales(path: str, names: Sequence[str], mean: np.ndarray,
                         std: np.ndarray, train_path: str,
                         train_mean: np.ndarray, train_std: np.ndarray,
                         on_implausible: str = 'error') -> None:
    """Refuse a split whose channels are not on the training split's scale
    (the model normalises every split with the training statistics).

    Args:
        path (str): The split's file.
        names (Sequence[str]): The channels, in order.
        mean (np.ndarray): (C, ) its per-channel mean.
        std (np.ndarray): (C, ) its per-channel std.
        train_path (str): The training split's file.
        train_mean (np.ndarray): (C, ) the training split's means.
        train_std (np.ndarray): (C, ) the training split's stds.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    tiny = np.finfo(np.float64).tiny
    ratio = (std + tiny) / (train_std + tiny)
    offset = np.abs(mean - train_mean) / np.maximum(
        np.maximum(std, train_std), tiny)
    for i in np.flatnonzero((ratio > MAX_STD_RATIO)
                            | (ratio < 1 / MAX_STD_RATIO)
                            | (offset > MAX_MEAN_OFFSET)):
        if _looks_z_scored(mean[i], std[i]) and not _looks_z_scored(
                train_mean[i], train_std[i]):
            cause = ('this split looks z-scored per channel and the '
                     'training split does not: give every split raw '
                     'windows (the model normalises them with the training '
                     'statistics)')
        elif _looks_z_scored(train_mean[i], train_std[i]):
            cause = ('the training split looks z-scored per channel and '
                     'this one does not: give every split raw windows')
        else:
            cause = 'another unit or gain (e.g. V and mV)?'
        implausible(
            f'{path}: channel {names[i]!r} has mean {mean[i]:.4g}, std '
            f'{std[i]:.4g}, but {train_mean[i]:.4g}, {train_std[i]:.4g} in '
            f'the training split ({train_path}): {cause}', on_implausible)


def read_signal_windows(path: str,
                        channels: Sequence[str],
                        file_channels: Optional[Sequence[str]] = None,
                        signal_keys: Sequence[str] = ('signals', 'data'),
                        label_key: Optional[str] = 'labels',
                        window_length: Optional[int] = None,
                        num_classes: Optional[int] = None,
                        found: Optional[dict] = None,
                        sample_rate: Optional[float] = None
                        ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Read and check a file of windows; errors name the file and field.

    Args:
        path (str): The ``.npz``.
        channels (Sequence[str]): The channels wanted, in order.
        file_channels (Sequence[str], optional): The file's channel order
            when it has no ``channel_names`` field. Defaults to
            ``channels``.
        signal_keys (Sequence[str]): Field names tried for the windows.
        label_key (str, optional): Field of the labels; None reads none.
        window_length (int, optional): Samples per window; None: any.
        num_classes (int, optional): Labels must lie in ``[0,
            num_classes)``.
        found (dict, optional): Receives ``field``, the name of the
            windows' field in the file (for later messages).
        sample_rate (float, optional): The rate (Hz) the windows must have
            where the file states one (``sample_rate`` / ``fs``).

    Returns:
        tuple: ``(N, C, T)`` float32 windows in ``channels`` order and
        ``(N, )`` int64 labels (None without ``label_key``).
    """
    channels = tuple(channels)
    file_channels = tuple(file_channels or channels)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found')
    data = read_npz(path, optional=tuple(signal_keys) + (
        'channel_names', ) + ((label_key, ) if label_key else ()) +
        SAMPLE_RATE_FIELDS)
    fields = data['__fields__']
    key = next((k for k in signal_keys if k in fields), None)
    if key is None:
        wanted = ' or '.join(map(repr, signal_keys))
        raise KeyError(f'{path}: no field {wanted} with the windows;'
                       f' fields are {fields}')
    signals = data[key]
    if found is not None:
        found['field'] = key
    names = (tuple(str(c) for c in data['channel_names'])
             if 'channel_names' in data else file_channels)
    labels = None
    if label_key is not None:
        if label_key not in data:
            raise KeyError(f'{path}: no field {label_key!r} '
                           f'with the labels; fields are {fields}')
        labels = data[label_key]
    signals = check_signals(path, key, signals, names, channels,
                            window_length)
    if sample_rate:
        check_sample_rate(path, data, sample_rate, signals.shape[2])
    if labels is not None:
        labels = check_labels(path, label_key, labels, len(signals),
                              num_classes)
    return signals, labels


def check_unique_channels(path: str, field: str,
                          names: Sequence[str]) -> None:
    """Refuse a channel named twice: which of the two a model gets would
    depend on the order alone (the first was taken, silently)."""
    seen = set()
    twice = sorted({n for n in names if n in seen or seen.add(n)})
    if twice:
        raise ValueError(f'{path}: field {field!r} names channel(s) {twice} '
                         f'more than once ({list(names)}): rename or drop '
                         f'the copies, so that each channel the model takes '
                         f'is one column')


def check_sample_rate(path: str, data: dict, sample_rate: float,
                      length: int) -> None:
    """A windows file that states its rate (``sample_rate`` / ``fs``) must
    be at the model's: windows of the right length at another rate hold
    another span of time."""
    field = next((k for k in SAMPLE_RATE_FIELDS if k in data), None)
    if field is None:
        return
    value = np.asarray(data[field])
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = float('nan')
    if not abs(rate - sample_rate) <= 1e-3 * sample_rate:
        shown = value.item() if value.size == 1 else value.tolist()
        raise ValueError(
            f'{path}: field {field!r} is {shown!r} Hz, but the '
            f'windows must be sampled at {sample_rate:g} Hz ({length} '
            f'samples = {length / sample_rate:g} s): resample the '
            f'recordings to {sample_rate:g} Hz and cut them again')


def check_signals(path: str, key: str, signals: np.ndarray,
                  names: Sequence[str], channels: Sequence[str],
                  window_length: Optional[int] = None) -> np.ndarray:
    """``[N, C, T]`` or ``[N, T, C]`` windows of the file's channels
    ``names`` -> float32 ``(N, len(channels), T)`` in ``channels`` order."""
    names = tuple(names)
    check_unique_channels(path, 'channel_names', names)
    if signals.ndim != 3 or len(signals) == 0:
        raise ValueError(f'{path}: field {key!r} has shape '
                         f'{signals.shape}, expected [N, C, T] or '
                         f'[N, T, C] with N > 0')
    check_real_numbers(path, f'field {key!r}', signals.dtype)
    n_ch = len(names)
    # the channel axis is the one of the file's channel count; a window
    # length equal to it would be ambiguous, so it is refused
    if (signals.shape[1] == n_ch) == (signals.shape[2] == n_ch):
        raise ValueError(
            f'{path}: field {key!r} has shape {signals.shape}; expected '
            f'{n_ch} channels ({", ".join(names)}) on axis 1 or 2')
    if signals.shape[2] == n_ch:  # [N, T, C]
        signals = signals.transpose(0, 2, 1)
    if window_length is not None and signals.shape[2] != window_length:
        raise ValueError(f'{path}: field {key!r} has windows of '
                         f'{signals.shape[2]} samples, expected '
                         f'{window_length}')
    missing = [c for c in channels if c not in names]
    if missing:
        raise ValueError(f'{path}: channel(s) {missing} not in the '
                         f'file\'s channels {list(names)}')
    signals = signals[:, [names.index(c) for c in channels]]
    signals = np.ascontiguousarray(signals, dtype=np.float32)
    bad = ~np.isfinite(signals)
    if bad.any():
        windows = np.unique(np.nonzero(bad)[0])
        raise ValueError(f'{path}: field {key!r} holds {int(bad.sum())} '
                         f'NaN/inf value(s) in {len(windows)} window(s),'
                         f' e.g. window {windows[:5].tolist()}')
    return signals


def check_labels(path: str, field: str, labels: np.ndarray, num: int,
                 num_classes: Optional[int] = None) -> np.ndarray:
    """One integer label per window, as int64 ``(num, )``."""
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:  # a column vector
        labels = labels[:, 0]
    if labels.shape != (num, ):
        raise ValueError(f'{path}: field {field!r} has shape '
                         f'{labels.shape}, expected ({num},), one label '
                         f'per window')
    if not (np.issubdtype(labels.dtype, np.integer)
            or np.issubdtype(labels.dtype, np.bool_)
            or (np.issubdtype(labels.dtype, np.floating)
                and np.all(np.isfinite(labels))
                and np.all(labels == np.round(labels)))):
        raise ValueError(f'{path}: field {field!r} must hold integer '
                         f'class labels, got dtype {labels.dtype}')
    labels = labels.astype(np.int64)
    if num_classes is not None:
        bad = (labels < 0) | (labels >= num_classes)
        if bad.any():
            raise ValueError(
                f'{path}: field {field!r} has value(s) '
                f'{sorted(set(labels[bad].tolist()))[:5]} outside 0..'
                f'{num_classes - 1}')
    return labels
