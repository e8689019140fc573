import logging
import os.path as osp
import warnings
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from .formats.apple_watch_pt import (INPUT_FEATURES,
                                     read_scaler_params,
                                     read_workout_tensors, workout_inputs)
from .formats.checks import check_implausible_mode

SPLITS = ('train', 'val', 'test')
LEAK_WARNING = (
    "hr_input='same' feeds the heart rate of each step as an input for "
    'predicting that same step: the model can copy its target (the original '
    "project's leak), so its errors say nothing about forecasting heart "
    "rate. Use hr_input='previous' (default) or 'none'.")


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
        return read_workout_tensors(
            path, self.hr_range, self.max_abs_mean,
            self.scaler_file or 'the scaler statistics', split=self.split,
            scaler=self._metainfo.get('scaler'), hr_input=self.hr_input,
            on_implausible=self.on_implausible)

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
        n = len(lengths)
        ref = None
        if self.scaler_reference:
            ref = read_scaler_params(self.scaler_reference)
            self._metainfo['scaler_reference'] = ref
        inputs, hr, mask = workout_inputs(
            fields, self.hr_input, self._metainfo.get('scaler'), ref)
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
