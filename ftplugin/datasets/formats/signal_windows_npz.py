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
from typing import Sequence

import numpy as np

from .checks import implausible

# per-channel std ratio / mean offset (in stds) between a split and the
# training split beyond which they are not on one scale
MAX_STD_RATIO = 10.0
MAX_MEAN_OFFSET = 5.0


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
