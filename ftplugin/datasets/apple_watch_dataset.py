import json
import logging
import os.path as osp
import warnings
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from .formats.apple_watch_pt import SCALER_KEYS, check_z_scored
from .formats.checks import check_implausible_mode

SPLITS = ('train', 'val', 'test')
# Input channels for each ``hr_input`` mode, in this order.
INPUT_FEATURES = {
    'previous': ('speed', 'altitude', 'heart_rate_prev'),
    'none': ('speed', 'altitude'),
    'same': ('speed', 'altitude', 'heart_rate'),
}
REQUIRED_FIELDS = ('speed', 'altitude', 'heart_rate', 'original_lengths')
SEQUENCE_FIELDS = ('speed', 'altitude', 'heart_rate', 'timestamps')
PER_WORKOUT_FIELDS = ('userId', 'gender')
LEAK_WARNING = (
    "hr_input='same' feeds the heart rate of each step as an input for "
    'predicting that same step: the model can copy its target (the original '
    "project's leak), so its errors say nothing about forecasting heart "
    "rate. Use hr_input='previous' (default) or 'none'.")


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
    try:
        with open(path) as f:
            params = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: not valid JSON ({err})') from err
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


@DATASETS.register_module()
class AppleWatchDataset(BaseDataset):
    """Workouts as fixed-length tensors: ``<data_root>/{train,val,test}.pt``.

    Each file is a dict of tensors (the original project's format): ``speed``,
    ``altitude``, ``heart_rate`` and ``timestamps`` (optional here) of shape
    (N, T, 1) float32, T = 500 in the original project; ``original_lengths``
    (N, 1) integers; optionally ``userId`` and ``gender`` (N, 1). Heart rate is
    in BPM; speed and altitude are z-scored with ``scaler_params.json`` beside
    the files (``tools/data/apple_watch/convert_workouts.py`` and
    ``generate_apple_watch_data.py`` beside it write all of them, through
    ``ftplugin.datasets.formats.apple_watch_pt``).

    Steps ``[:original_length]`` are valid (all T when the length is >= T);
    later ones are padding, left out of loss and metrics. The target is the
    heart rate of every step. Inputs (``hr_input``):

    - ``'previous'`` (default): speed, altitude and the heart rate of the
      previous step (one-step-ahead forecasting). The first step has no
      previous one: it gets its own heart rate as input and is left out of
      loss and metrics (its mask is false).
    - ``'none'``: speed and altitude only.
    - ``'same'``: speed, altitude and the heart rate of the same step, the
      original project's input. It leaks the target; allowed only with a loud
      warning.

    Every sample holds ``inputs`` (T, C), ``heart_rate`` (T, 1), ``mask``
    (T, 1) and ``input_features`` (the names of the C channels, checked by
    :class:`HeartRateRegressor`).

    Malformed files raise an error naming the file and the field: missing or
    non-tensor fields, shapes that disagree, non-integer or non-positive
    lengths, non-finite values in valid steps, heart rates outside
    ``hr_range`` (e.g. z-scored heart rate), splits in which no step is
    scored (every ``original_lengths`` 1 with ``hr_input='previous'``), and
    speed or altitude that were not z-scored with the scaler (raw m/s or
    km/h, raw kilometres or metres: the training split must have mean ~0
    and std ~1 over its valid steps, the others roughly so, and undoing the
    z-score must give plausible km/h and metres). Non-finite values in
    padding are replaced by the last valid value.

    Args:
        data_root (str): Folder of the ``.pt`` files.
        split (str): ``'train'``, ``'val'`` or ``'test'``: reads
            ``<split>.pt``. Defaults to ``'train'``.
        hr_input (str): ``'previous'``, ``'none'`` or ``'same'``, see above.
            Defaults to ``'previous'``.
        scaler_file (str, optional): Name of the z-score statistics beside
            the files; read, checked and kept in ``metainfo['scaler']``.
            None skips it. Defaults to ``'scaler_params.json'``.
        scaler_reference (str, optional): Another ``scaler_params.json``,
            typically the pretraining data's: speed and altitude are taken
            back to km/h and metres with ``scaler_file`` and z-scored again
            with these statistics, so that a pretrained model sees inputs on
            the scale it was trained on. Defaults to None (as stored).
        hr_range (Sequence[float]): Plausible heart rates (BPM) of valid
            steps. Defaults to (20, 250).
        max_abs_mean (float, optional): Largest ``|mean|`` over valid steps
            of speed and altitude accepted as z-scored in the val and test
            splits (the training split, which the scaler was fitted on, must
            be within 0.5); raw km/h or metres give larger means. None
            disables the z-score checks. Defaults to 2.0.
        on_implausible (str): Speed or altitude that do not look z-scored
            with the scaler are an error naming the file, the field and
            the likely unit with ``'error'``, a warning with ``'warn'``.
            Defaults to ``'error'``.
        pipeline (list): Transforms, ending with ``PackHeartRateInputs``.
        test_mode (bool): Passed to :class:`BaseDataset`.
    """

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 hr_input: str = 'previous',
                 scaler_file: Optional[str] = 'scaler_params.json',
                 scaler_reference: Optional[str] = None,
                 hr_range: Sequence[float] = (20.0, 250.0),
                 max_abs_mean: Optional[float] = 2.0,
                 on_implausible: str = 'error',
                 pipeline: List[Union[dict, Callable]] = (),
                 test_mode: bool = False,
                 **kwargs) -> None:
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        if hr_input not in INPUT_FEATURES:
            raise ValueError(f'hr_input must be one of '
                             f'{tuple(INPUT_FEATURES)}, got {hr_input!r}')
        if hr_input == 'same':
            warnings.warn(LEAK_WARNING)
            print_log(LEAK_WARNING, logger='current', level=logging.WARNING)
        self.split = split
        self.hr_input = hr_input
        self.input_features = INPUT_FEATURES[hr_input]
        if scaler_reference and not scaler_file:
            raise ValueError('scaler_reference needs scaler_file: the '
                             'statistics the data were z-scored with')
        self.scaler_file = scaler_file
        self.scaler_reference = scaler_reference
        self.hr_range = tuple(hr_range)
        self.max_abs_mean = max_abs_mean
        self.on_implausible = check_implausible_mode(on_implausible)
        super().__init__(
            data_root=data_root,
            pipeline=list(pipeline),
            test_mode=test_mode,
            **kwargs)

    @property
    def file_path(self) -> str:
        return osp.join(self.data_root, f'{self.split}.pt')

    def read_tensors(self, path: str) -> Dict[str, np.ndarray]:
        """Load ``path`` and check every field; return numpy arrays.

        Sequence fields come back as (N, T) float64 (non-finite padding
        filled), ``original_lengths`` as (N, ) int64.
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
        self.check_values(path, out)
        return out

    def check_values(self, path: str, fields: Dict[str, np.ndarray]) -> None:
        """Check valid steps; fill non-finite padding (in place)."""
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
        low, high = self.hr_range
        bad = valid & ((hr < low) | (hr > high))
        if bad.any():
            i, step = np.argwhere(bad)[0]
            raise ValueError(
                f'{path}: field \'heart_rate\' is {hr[i, step]:.2f} at '
                f'workout {i}, step {step}, outside {self.hr_range} BPM: heart'
                f' rate must be in BPM, not scaled')
        if self.hr_input == 'previous' and not (lengths > 1).any():
            raise ValueError(
                f'{path}: field \'original_lengths\' is 1 for all '
                f'{len(lengths)} workouts: with hr_input=\'previous\' a '
                f'workout\'s first step has no previous heart rate and is '
                f'not scored, so no step is left to train or score on (the '
                f'loss would be 0.0). original_lengths must count the '
                f'recorded steps of each workout before padding')
        if self.max_abs_mean is not None:
            for key in ('speed', 'altitude'):
                check_z_scored(
                    path, key, fields[key][valid], self.split,
                    self._metainfo.get('scaler'),
                    self.scaler_file or 'the scaler statistics',
                    self.max_abs_mean, self.on_implausible)

    def load_data_list(self) -> List[dict]:
        """Read ``<split>.pt`` into one sample per workout."""
        # a missing or bad scaler file does not hide the split's own
        # defects: both are checked, and all that fails is reported at once
        errors = []
        if self.scaler_file:
            try:
                self._metainfo['scaler'] = read_scaler_params(
                    osp.join(self.data_root, self.scaler_file))
            except (OSError, ValueError) as err:
                errors.append(err)
        self._metainfo['input_features'] = self.input_features
        path = self.file_path
        try:
            fields = self.read_tensors(path)
        except (OSError, ValueError) as err:
            errors.append(err)
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise ValueError('\n'.join(str(e) for e in errors))
        lengths = fields['original_lengths']
        n, t = fields['speed'].shape
        hr = fields['heart_rate'].astype(np.float32)
        channels = [fields['speed'], fields['altitude']]
        if self.scaler_reference:
            own = self._metainfo['scaler']
            ref = read_scaler_params(self.scaler_reference)
            self._metainfo['scaler_reference'] = ref
            channels = [
                (x * own[f'{k}_std'] + own[f'{k}_mean'] - ref[f'{k}_mean']) /
                ref[f'{k}_std'] for k, x in zip(('speed', 'altitude'),
                                                channels)
            ]
        if self.hr_input == 'previous':
            channels.append(np.concatenate([hr[:, :1], hr[:, :-1]], axis=1))
        elif self.hr_input == 'same':
            channels.append(hr)
        inputs = np.stack(channels, axis=-1).astype(np.float32)
        mask = np.arange(t)[None, :] < lengths[:, None]
        if self.hr_input == 'previous':
            mask[:, 0] = False  # its input is its own heart rate
        data_list = []
        for i in range(n):
            info = dict(
                inputs=inputs[i],
                heart_rate=hr[i, :, None],
                mask=mask[i, :, None],
                original_length=int(lengths[i]),
                input_features=self.input_features,
                filename=path)
            if 'userId' in fields:
                info['user_id'] = int(fields['userId'][i])
            if 'gender' in fields:
                info['gender'] = float(fields['gender'][i])
            data_list.append(info)
        return data_list
