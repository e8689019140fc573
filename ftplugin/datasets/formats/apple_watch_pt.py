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
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import torch

from ...utils.atomic_io import atomic_write_json, atomic_write_with
from .checks import implausible, load_json

SEQ_LEN = 500
SPLIT_RATIOS = (0.7, 0.15, 0.15)
SCALER_KEYS = ('speed_mean', 'speed_std', 'altitude_mean', 'altitude_std')
SEQUENCE_KEYS = ('speed', 'altitude', 'heart_rate', 'timestamps')
# Input channels for each ``hr_input`` mode, in this order.
INPUT_FEATURES = {
    'previous': ('speed', 'altitude', 'heart_rate_prev'),
    'none': ('speed', 'altitude'),
    'same': ('speed', 'altitude', 'heart_rate'),
}
REQUIRED_FIELDS = ('speed', 'altitude', 'heart_rate', 'original_lengths')
SEQUENCE_FIELDS = ('speed', 'altitude', 'heart_rate', 'timestamps')
PER_WORKOUT_FIELDS = ('userId', 'gender')


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


def check_converted_workout(path: str, raw: Mapping[str, np.ndarray],
                            scaler: Mapping[str, float],
                            hr_range: Sequence[float] = (20.0, 250.0),
                            max_abs_mean: Optional[float] = 2.0,
                            on_implausible: str = 'error') -> None:
    """Refuse a FIT / TCX / GPX workout, resampled by the converter, whose
    heart rate is not in BPM (an error, as in the ``.pt`` files) or whose
    mean speed or altitude lies more than ``max_abs_mean`` training stds
    from the training data's (implausible: another unit, or another sport
    than the model knows).

    Args:
        path (str): The workout file.
        raw (Mapping[str, np.ndarray]): Its steps: ``heart_rate`` (BPM),
            ``speed`` (km/h), ``altitude`` (m).
        scaler (Mapping[str, float]): The training run's statistics.
        hr_range (Sequence[float]): Plausible heart rates (BPM).
        max_abs_mean (float, optional): Largest ``|mean|`` in training stds;
            None: no check.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    hr = np.asarray(raw['heart_rate'], dtype=np.float64)
    low, high = hr_range
    bad = np.flatnonzero((hr < low) | (hr > high))
    if len(bad):
        raise ValueError(
            f'{path}: field heart_rate is {hr[bad[0]]:.2f} at step '
            f'{bad[0]} ({len(bad)} of {len(hr)} steps outside '
            f'{tuple(hr_range)} BPM): heart rate must be in beats per minute '
            f'(not Hz, not scaled); the model takes the measured heart rate '
            f'as an input')
    if max_abs_mean is None:
        return
    units = dict(speed=('km/h', 'm/s written as km/h (x3.6) or mph, or '
                        'another sport than the training data\'s'),
                 altitude=('m', 'feet, centimetres or kilometres instead '
                           'of metres, or a place far from the training '
                           'data\'s'))
    for key, (unit, cause) in units.items():
        values = np.asarray(raw[key], dtype=np.float64)
        mean, std = scaler[f'{key}_mean'], scaler[f'{key}_std']
        z = (float(values.mean()) - mean) / std
        if abs(z) > max_abs_mean:
            implausible(
                f'{path}: field {key} averages {values.mean():.1f} {unit}, '
                f'{z:+.1f} stds from the training data\'s {mean:.1f} {unit} '
                f'(std {std:.1f}; |z| <= {max_abs_mean:g} expected): '
                f'{cause}', on_implausible)


def read_scaler_params(path: str) -> Dict[str, float]:
    """Read and check a ``scaler_params.json`` (z-score statistics).

    Args:
        path (str): The JSON file.

    Returns:
        dict: Its content; ``speed_mean``, ``speed_std``, ``altitude_mean``
        and ``altitude_std`` are guaranteed finite (stds > 0).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: speed and altitude must be z-scored with the '
            f'statistics in scaler_params.json beside the .pt files (set '
            f'scaler_file=None if your data has none)')
    params = load_json(path)
    if not isinstance(params, dict):
        raise ValueError(f'{path}: expected a JSON object with {SCALER_KEYS}')
    for key in SCALER_KEYS:
        value = params.get(key)
        if not isinstance(value, (int, float)) or not np.isfinite(value):
            raise ValueError(f'{path}: field {key!r} must be a finite number,'
                             f' got {value!r}')
        if key.endswith('_std') and value <= 0:
            raise ValueError(f'{path}: field {key!r} must be > 0, got {value}')
    return params


def read_workout_tensors(path: str,
                         hr_range: Sequence[float] = (20.0, 250.0),
                         max_abs_mean: Optional[float] = 2.0,
                         scaler_file: Optional[str] = 'scaler_params.json',
                         **plausibility) -> Dict[str, np.ndarray]:
    """Load ``path`` and check every field; return numpy arrays.

    Sequence fields come back as (N, T) float64 (non-finite padding
    filled), ``original_lengths`` as (N, ) int64. Errors name the file
    and the field.

    Args:
        path (str): A ``<split>.pt`` file.
        hr_range (Sequence[float]): Plausible heart rates (BPM) of valid
            steps.
        max_abs_mean (float, optional): Largest ``|mean|`` of speed and
            altitude accepted as z-scored; None: no check.
        scaler_file (str, optional): Named in the z-score error message.
        **plausibility: ``split``, ``scaler``, ``hr_input`` and
            ``on_implausible`` of :func:`check_workout_values`.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: an AppleWatchDataset needs '
            f'<data_root>/{{train,val,test}}.pt')
    try:
        # plain tensors only: nothing in a data file may run code
        raw = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # noqa: BLE001 - torch raises many kinds
        raise ValueError(f'{path}: not a readable tensor file '
                         f'({type(err).__name__}: {err})') from err
    if not isinstance(raw, dict):
        raise ValueError(f'{path}: expected a dict of tensors, got '
                         f'{type(raw).__name__}')
    missing = [k for k in REQUIRED_FIELDS if k not in raw]
    if missing:
        raise ValueError(f'{path}: missing field(s) {missing}; expected '
                         f'{list(REQUIRED_FIELDS)} (+ timestamps, userId,'
                         f' gender)')
    for key in REQUIRED_FIELDS + SEQUENCE_FIELDS + PER_WORKOUT_FIELDS:
        if key in raw and not isinstance(raw[key], torch.Tensor):
            raise ValueError(f'{path}: field {key!r} must be a tensor, '
                             f'got {type(raw[key]).__name__}')
    speed = raw['speed']
    if speed.dim() != 3 or speed.shape[-1] != 1 or speed.shape[1] < 2:
        raise ValueError(f'{path}: field \'speed\' must have shape '
                         f'(N, T, 1), got {tuple(speed.shape)}')
    n, t = speed.shape[:2]
    if n == 0:
        raise ValueError(f'{path}: holds no workout (N = 0)')
    out = {}
    for key in SEQUENCE_FIELDS:
        if key not in raw:
            continue
        value = raw[key]
        if tuple(value.shape) != (n, t, 1):
            raise ValueError(f'{path}: field {key!r} has shape '
                             f'{tuple(value.shape)}, expected {(n, t, 1)}'
                             f' like speed')
        if not value.is_floating_point():
            raise ValueError(f'{path}: field {key!r} must be floating '
                             f'point, got {value.dtype}')
        out[key] = value[..., 0].double().numpy()
    lengths = raw['original_lengths']
    if lengths.dim() == 2 and lengths.shape[1] == 1:
        lengths = lengths[:, 0]
    if tuple(lengths.shape) != (n, ):
        raise ValueError(f'{path}: field \'original_lengths\' has shape '
                         f'{tuple(raw["original_lengths"].shape)}, '
                         f'expected ({n}, 1)')
    if lengths.is_floating_point() or lengths.dtype == torch.bool:
        raise ValueError(f'{path}: field \'original_lengths\' must hold '
                         f'integers (int64), got {lengths.dtype}')
    lengths = lengths.long().numpy()
    bad = np.flatnonzero(lengths < 1)
    if len(bad):
        raise ValueError(f'{path}: field \'original_lengths\' must be >= '
                         f'1, got {lengths[bad[0]]} for workout '
                         f'{bad[0]}')
    out['original_lengths'] = lengths
    for key in PER_WORKOUT_FIELDS:
        if key in raw:
            value = raw[key].reshape(-1) if raw[key].dim() == 2 and raw[
                key].shape[1] == 1 else raw[key]
            if tuple(value.shape) != (n, ):
                raise ValueError(f'{path}: field {key!r} has shape '
                                 f'{tuple(raw[key].shape)}, expected '
                                 f'({n}, 1)')
            out[key] = value.double().numpy()
    check_workout_values(path, out, hr_range, max_abs_mean, scaler_file,
                         **plausibility)
    return out


def check_workout_values(path: str, fields: Dict[str, np.ndarray],
                         hr_range: Sequence[float] = (20.0, 250.0),
                         max_abs_mean: Optional[float] = 2.0,
                         scaler_file: Optional[str] = None,
                         split: str = 'other',
                         scaler: Optional[Mapping[str, float]] = None,
                         hr_input: str = 'previous',
                         on_implausible: str = 'error') -> None:
    """Check valid steps; fill non-finite padding (in place). Speed and
    altitude must be z-scored with ``scaler`` (:func:`check_z_scored`)."""
    lengths = fields['original_lengths']
    t = fields['speed'].shape[1]
    valid = np.arange(t)[None, :] < lengths[:, None]
    for key in SEQUENCE_FIELDS:
        if key not in fields:
            continue
        value = fields[key]
        bad = valid & ~np.isfinite(value)
        if bad.any():
            i, step = np.argwhere(bad)[0]
            raise ValueError(f'{path}: field {key!r} is {value[i, step]} '
                             f'at workout {i}, step {step} (a valid step,'
                             f' original_length {lengths[i]})')
        if not np.isfinite(value).all():
            # padding: repeat the last valid value, as the original project
            # pads
            last = value[np.arange(len(value)),
                         np.minimum(lengths, t) - 1]
            fields[key] = np.where(np.isfinite(value), value,
                                   last[:, None])
    hr = fields['heart_rate']
    low, high = hr_range
    bad = valid & ((hr < low) | (hr > high))
    if bad.any():
        i, step = np.argwhere(bad)[0]
        raise ValueError(
            f'{path}: field \'heart_rate\' is {hr[i, step]:.2f} at '
            f'workout {i}, step {step}, outside {tuple(hr_range)} BPM: heart'
            f' rate must be in BPM, not scaled')
    if hr_input == 'previous' and not (lengths > 1).any():
        raise ValueError(
            f'{path}: field \'original_lengths\' is 1 for all '
            f'{len(lengths)} workouts: with hr_input=\'previous\' a '
            f'workout\'s first step has no previous heart rate and is '
            f'not scored, so no step is left to train or score on (the '
            f'loss would be 0.0). original_lengths must count the '
            f'recorded steps of each workout before padding')
    if max_abs_mean is not None:
        for key in ('speed', 'altitude'):
            check_z_scored(path, key, fields[key][valid], split, scaler,
                           scaler_file or 'the scaler statistics',
                           max_abs_mean, on_implausible)


def workout_inputs(fields: Dict[str, np.ndarray], hr_input: str = 'previous',
                   scaler: Optional[Mapping[str, float]] = None,
                   scaler_reference: Optional[Mapping[str, float]] = None
                   ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model inputs of checked workouts (:func:`read_workout_tensors`).

    Args:
        fields (dict): ``speed``, ``altitude`` (z-scored with ``scaler``),
            ``heart_rate`` (BPM) (N, T) and ``original_lengths`` (N, ).
        hr_input (str): ``'previous'``, ``'none'`` or ``'same'`` (see
            :class:`~ftplugin.datasets.AppleWatchDataset`).
        scaler (Mapping, optional): The statistics the data were z-scored
            with; needed with ``scaler_reference``.
        scaler_reference (Mapping, optional): Statistics to z-score speed
            and altitude with instead (those the model was trained on).

    Returns:
        tuple: ``inputs`` (N, T, C) float32 in ``INPUT_FEATURES[hr_input]``
        order, ``heart_rate`` (N, T) float32 and ``mask`` (N, T) bool of the
        steps that count (valid ones; not the first with ``'previous'``,
        whose input is its own heart rate).
    """
    lengths = fields['original_lengths']
    n, t = fields['speed'].shape
    hr = fields['heart_rate'].astype(np.float32)
    channels = [fields['speed'], fields['altitude']]
    if scaler_reference:
        own, ref = scaler, scaler_reference
        channels = [
            (x * own[f'{k}_std'] + own[f'{k}_mean'] - ref[f'{k}_mean']) /
            ref[f'{k}_std'] for k, x in zip(('speed', 'altitude'),
                                            channels)
        ]
    if hr_input == 'previous':
        channels.append(np.concatenate([hr[:, :1], hr[:, :-1]], axis=1))
    elif hr_input == 'same':
        channels.append(hr)
    inputs = np.stack(channels, axis=-1).astype(np.float32)
    mask = np.arange(t)[None, :] < lengths[:, None]
    if hr_input == 'previous':
        mask[:, 0] = False  # its input is its own heart rate
    return inputs, hr, mask
