"""Writing the apple_watch family's ``.pt`` workout format, in one place.

Shared by the workout converter (``tools/data/apple_watch/
convert_workouts.py``) and the synthetic generator (``tools/data/apple_watch/
generate_apple_watch_data.py``), and read back by :class:`AppleWatchDataset`.

Format: ``<dir>/{train,val,test}.pt``, each a dict of tensors ``speed``,
``altitude``, ``heart_rate`` and ``timestamps`` (N, T, 1) float32 (T = 500,
the original project's length; the first T steps kept, shorter workouts
padded by repeating their last value), ``original_lengths`` (N, 1) int64,
``userId`` (N, 1) int64 and optionally ``gender`` (N, 1) float32; plus
``scaler_params.json`` beside them. Heart rate stays in BPM; speed (km/h)
and altitude (m) are z-scored with the statistics in ``scaler_params.json``.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Mapping, Optional

import numpy as np
import torch

from .checks import implausible

SEQ_LEN = 500
SPLIT_RATIOS = (0.7, 0.15, 0.15)
SCALER_KEYS = ('speed_mean', 'speed_std', 'altitude_mean', 'altitude_std')
SEQUENCE_KEYS = ('speed', 'altitude', 'heart_rate', 'timestamps')


def pad_or_cut(x: np.ndarray, length: int = SEQ_LEN) -> np.ndarray:
    """First ``length`` values, or all of them + the last one repeated.

    Args:
        x (np.ndarray): One workout's values, (n, ).
        length (int): Steps kept. Defaults to 500.
    """
    if len(x) >= length:
        return x[:length]
    return np.concatenate([x, np.full(length - len(x), x[-1])])


def fit_scaler(workouts: List[dict],
               seq_len: int = SEQ_LEN) -> Dict[str, float]:
    """Mean and std of speed and altitude over the kept steps of train.

    Heart rate's are written for reference only (it stays in BPM).

    Args:
        workouts (list[dict]): Raw workouts with ``speed``, ``altitude`` and
            ``heart_rate`` arrays.
        seq_len (int): Steps kept per workout.
    """
    params = {}
    for key in ('speed', 'altitude', 'heart_rate'):
        values = np.concatenate([w[key][:seq_len] for w in workouts])
        params[f'{key}_mean'] = float(values.mean())
        params[f'{key}_std'] = float(max(values.std(), 1e-6))
    params['sequence_length'] = seq_len
    return params


def workouts_to_tensors(workouts: List[dict], scaler: Mapping[str, float],
                        seq_len: int = SEQ_LEN) -> Dict[str, torch.Tensor]:
    """Pad or cut, z-score speed and altitude, and stack one split.

    Args:
        workouts (list[dict]): Raw workouts: the arrays of
            :data:`SEQUENCE_KEYS`, ``user_id`` (int) and ``gender`` (float or
            None; written only when every workout has one).
        scaler (Mapping[str, float]): Holds :data:`SCALER_KEYS`.
        seq_len (int): Steps kept per workout.
    """
    data = {}
    for key in SEQUENCE_KEYS:
        values = np.stack([pad_or_cut(w[key], seq_len) for w in workouts])
        if key in ('speed', 'altitude'):
            values = (values - scaler[f'{key}_mean']) / scaler[f'{key}_std']
        data[key] = torch.from_numpy(values.astype(np.float32))[..., None]
    data['original_lengths'] = torch.tensor(
        [[len(w['speed'])] for w in workouts], dtype=torch.int64)
    data['userId'] = torch.tensor([[w['user_id']] for w in workouts],
                                  dtype=torch.int64)
    if all(w.get('gender') is not None for w in workouts):
        data['gender'] = torch.tensor([[w['gender']] for w in workouts],
                                      dtype=torch.float32)
    return data


def write_workout_splits(out_dir: str, splits: Mapping[str, List[dict]],
                         scaler: Mapping[str, float],
                         seq_len: int = SEQ_LEN) -> Dict[str, int]:
    """Write ``<split>.pt`` for every split and ``scaler_params.json``.

    Args:
        out_dir (str): Created if missing.
        splits (Mapping[str, list[dict]]): Raw workouts per split name.
        scaler (Mapping[str, float]): Written as ``scaler_params.json``.
        seq_len (int): Steps kept per workout.

    Returns:
        dict: Number of workouts per split.
    """
    os.makedirs(out_dir, exist_ok=True)
    for split, workouts in splits.items():
        torch.save(workouts_to_tensors(workouts, scaler, seq_len),
                   osp.join(out_dir, f'{split}.pt'))
    with open(osp.join(out_dir, 'scaler_params.json'), 'w') as f:
        json.dump(dict(scaler), f, indent=2)
    return {split: len(workouts) for split, workouts in splits.items()}


# |mean| and std range over the valid steps of a z-scored channel: tight for
# the training split the scaler was fitted on, loose for the others (a few
# flat routes give any small std) and for small training splits
TRAIN_Z_LIMITS = (0.5, (0.5, 2.0))
OTHER_Z_LIMITS = (2.0, (0.0, 5.0))
MIN_STEPS_TIGHT = 200
# what undoing the z-score may give (km/h, m), and the share of valid steps
# allowed outside (GPS glitches)
PHYSICAL_RANGES = dict(speed=(-1.0, 200.0, 'km/h'),
                       altitude=(-500.0, 9000.0, 'm'))
MAX_OUTSIDE = 0.01


def _likely_cause(key: str, values: np.ndarray, mean: float,
                  std: float) -> str:
    if key == 'speed' and values.min() >= 0:
        return ('looks like raw m/s (or km/h) that were never z-scored: '
                'convert to km/h and z-score with the scaler'
                if mean <= 15 else 'looks like raw km/h that were never '
                'z-scored: z-score with the scaler')
    if key == 'altitude' and std < TRAIN_Z_LIMITS[1][0] and abs(mean) < 10:
        return ('looks like raw kilometres: convert to metres and z-score '
                'with the scaler')
    if key == 'altitude' and abs(mean) >= 10:
        return ('looks like raw metres (or feet) that were never z-scored: '
                'z-score with the scaler')
    return ('z-scored with other statistics than the scaler, or another '
            'unit')


def check_z_scored(path: str, key: str, values: np.ndarray, split: str,
                   scaler: Optional[Mapping[str, float]], scaler_name: str,
                   max_abs_mean: float = OTHER_Z_LIMITS[0],
                   on_implausible: str = 'error') -> None:
    """Refuse speed or altitude that were not z-scored with the scaler:
    raw m/s or km/h, raw kilometres or metres, other statistics.

    Args:
        path (str): The ``.pt`` file.
        key (str): ``'speed'`` or ``'altitude'``.
        values (np.ndarray): Its valid steps (1-D).
        split (str): ``'train'`` (the scaler was fitted on it: mean ~0,
            std ~1) or another split.
        scaler (Mapping[str, float], optional): ``scaler_params.json``'s
            statistics, to undo the z-score (km/h, m) and check the range.
        scaler_name (str): Its file, for messages.
        max_abs_mean (float): Largest ``|mean|`` of a split other than
            ``train``.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    if not values.size:
        return
    mean, std = float(values.mean()), float(values.std())
    limit, (low, high) = (TRAIN_Z_LIMITS if split == 'train' and
                          values.size >= MIN_STEPS_TIGHT else
                          (max_abs_mean, OTHER_Z_LIMITS[1]))
    if abs(mean) > limit or not low <= std <= high:
        implausible(
            f'{path}: field {key!r} has mean {mean:.2f}, std {std:.2f} over '
            f'its {values.size} valid steps, but speed and altitude must be '
            f'z-scored with {scaler_name} (|mean| <= {limit:g}, std in '
            f'[{low:g}, {high:g}] expected for the {split} split): '
            f'{_likely_cause(key, values, mean, std)}', on_implausible)
        return
    if not scaler:
        return
    lowest, highest, unit = PHYSICAL_RANGES[key]
    raw = values * scaler[f'{key}_std'] + scaler[f'{key}_mean']
    outside = np.count_nonzero((raw < lowest) | (raw > highest)) / raw.size
    if outside > MAX_OUTSIDE:
        implausible(
            f'{path}: field {key!r} taken back to {unit} with {scaler_name} '
            f'lies outside [{lowest:g}, {highest:g}] {unit} at '
            f'{outside:.1%} of the valid steps (from {raw.min():.1f} to '
            f'{raw.max():.1f}): z-scored with other statistics than '
            f'{scaler_name}, or in another unit', on_implausible)
