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
import os
import os.path as osp
from typing import Dict, List, Mapping

import numpy as np
import torch

from ...utils.atomic_io import atomic_write_json, atomic_write_with

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
        tensors = workouts_to_tensors(workouts, scaler, seq_len)
        atomic_write_with(osp.join(out_dir, f'{split}.pt'),
                          lambda tmp: torch.save(tensors, tmp))
    atomic_write_json(osp.join(out_dir, 'scaler_params.json'), dict(scaler),
                      indent=2)
    return {split: len(workouts) for split, workouts in splits.items()}
