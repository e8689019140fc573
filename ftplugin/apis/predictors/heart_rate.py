"""apple_watch: FIT / TCX / GPX workouts (through the converter) and the
family's ``.pt`` workout files."""
import os.path as osp
from typing import Dict, List, Optional

import numpy as np

from ...datasets.converters.workouts import resample
from ...datasets.formats.apple_watch_pt import (check_converted_workout,
                                                read_scaler_params,
                                                read_workout_tensors,
                                                workout_inputs)
from ...datasets.formats.workout_files import FORMATS, READERS
from .base import BasePredictor, InferenceInputError

#: the converter's defaults (tools/data/apple_watch/convert_workouts.py)
DEFAULT_STEP_S = 10.0
DEFAULT_MAX_GAP_S = 60.0
DEFAULT_MIN_POINTS = 10


class HeartRatePredictor(BasePredictor):
    """Heart rate (BPM) at every step of a workout.

    - A FIT, TCX or GPX file is read and resampled by the workout converter
      (``ftplugin.datasets.converters.workouts``: one step every
      ``step_seconds``, pauses over ``max_gap`` s shortened) and its speed
      (km/h) and altitude (m) are z-scored with the training run's scaler
      (saved in the checkpoint's ``dataset_meta``, or the ONNX sidecar): no
      manual conversion.
    - A ``.pt`` of the family's format (``{train,val,test}.pt``), read and
      checked by the training dataset's reader, one record per workout;
      its own ``scaler_params.json`` must lie beside it (as for training);
      where it differs from the run's, speed and altitude are re-scaled to
      the run's.

    Inputs are built as in training (``hr_input``: ``'previous'`` feeds the
    measured heart rate of the step before, so the file needs heart rate).
    Each record holds ``time_s``, ``pred_hr`` and the measured ``hr`` per
    step and ``mae_bpm`` over the steps that count in training (valid ones,
    not the first with ``'previous'``). Ensembles average the members'
    predicted heart rates.

    Options:
        step_seconds (float): Grid of converted workouts. Defaults to the
            scaler's ``step_seconds`` (the converter writes it), else 10.
        max_gap (float): Longer pauses (s) become one step. Defaults to 60.
        fill_missing_altitude (bool): A flat profile for workouts without
            altitude. Defaults to False.
        scaler (str): A ``scaler_params.json`` to use instead of the
            checkpoint's (e.g. for checkpoints saved without the training
            run's meta, such as the original project's).
    """
    extensions = ('.fit', '.tcx', '.gpx', '.pt')
    window_unit = 's'

    @classmethod
    def option_names(cls):
        return ('step_seconds', 'max_gap', 'fill_missing_altitude',
                'scaler')

    @property
    def scaler(self) -> Dict[str, float]:
        """The statistics the model's speed and altitude inputs were
        z-scored with in training."""
        if self.options.get('scaler'):
            return read_scaler_params(self.options['scaler'])
        scaler = (self.spec.get('scaler_reference') or
                  self.spec.get('scaler'))
        if not scaler:
            raise InferenceInputError(
                f'{self.spec.get("checkpoint") or "the model"} carries no '
                f'scaler (speed/altitude z-score statistics): its '
                f'checkpoint was not saved by a training run of '
                f'AppleWatchDataset; give the scaler_params.json of its '
                f'training data (scaler=..., tools/infer.py --scaler)')
        return scaler

    @property
    def step_seconds(self) -> float:
        """Seconds per step: the scaler's (the grid of the training
        data, which the converter records), else the option, else the
        converter's default. An option that differs from the scaler's is
        refused: the model would read steps of another duration."""
        option = self.options.get('step_seconds')
        trained = (self.spec.get('scaler') or {}).get('step_seconds')
        if option and trained and abs(float(option) - float(trained)) > 1e-9:
            raise InferenceInputError(
                f'step_seconds={option:g}, but '
                f'{self.spec.get("checkpoint") or "the model"} was trained '
                f'on workouts resampled every {trained:g} s (its scaler\'s '
                f'step_seconds): leave --step-seconds out, or give '
                f'{trained:g}')
        return float(option or trained or DEFAULT_STEP_S)

    def read_workout(self, path: str, fmt: str) -> dict:
        """One FIT / TCX / GPX workout as fields of one (1, T) workout."""
        rows = READERS[fmt](path)
        raw = resample(path, rows, self.step_seconds,
                       float(self.options.get('max_gap') or
                             DEFAULT_MAX_GAP_S), DEFAULT_MIN_POINTS,
                       bool(self.options.get('fill_missing_altitude')))
        scaler = self.scaler
        data = self.spec['dataset']
        check_converted_workout(
            path, raw, scaler, data.get('hr_range', (20.0, 250.0)),
            data.get('max_abs_mean', 2.0),
            data.get('on_implausible', 'error'))
        fields = dict(
            original_lengths=np.array([len(raw['speed'])]),
            timestamps=raw['timestamps'][None],
            heart_rate=raw['heart_rate'][None])
        for key in ('speed', 'altitude'):
            fields[key] = ((raw[key] - scaler[f'{key}_mean']) /
                           scaler[f'{key}_std'])[None]
        return fields

    def read_pt(self, path: str) -> dict:
        """The workouts of a ``.pt``, z-scored as the model's inputs."""
        data = self.spec['dataset']
        fields = read_workout_tensors(
            path, data.get('hr_range', (20.0, 250.0)),
            data.get('max_abs_mean', 5.0))
        own = None
        if data.get('scaler_file', 'scaler_params.json'):
            beside = osp.join(osp.dirname(path), data['scaler_file'] if
                              data.get('scaler_file') else
                              'scaler_params.json')
            if not osp.isfile(beside):
                # which statistics its z-scores hold cannot be told from
                # the values (another data set's look the same)
                raise InferenceInputError(
                    f'{path}: no {osp.basename(beside)} beside it: a .pt '
                    f'holds speed and altitude z-scored with the statistics '
                    f'of that file (the converter writes it), which the '
                    f'model\'s own may not be; put the file its data were '
                    f'converted with beside it')
            own = read_scaler_params(beside)
        fields['__own_scaler__'] = own
        return fields

    def predict_file(self, path: str) -> List[dict]:
        ext = self.check_extension(path)
        hr_input = self.spec['dataset'].get('hr_input', 'previous')
        if ext == '.pt':
            fields = self.read_pt(path)
            own, model = fields.pop('__own_scaler__'), self.scaler
            differs = own is not None and any(
                abs(own[k] - model[k]) > 1e-9 * max(1.0, abs(model[k]))
                for k in ('speed_mean', 'speed_std', 'altitude_mean',
                          'altitude_std'))
            inputs, hr, mask = workout_inputs(
                fields, hr_input, own, model if differs else None)
        else:
            fields = self.read_workout(path, FORMATS[ext])
            inputs, hr, mask = workout_inputs(fields, hr_input)
        lengths = np.minimum(fields['original_lengths'], inputs.shape[1])
        preds = np.mean(self.score(inputs), 0)[..., 0]
        step_times = fields.get('timestamps')
        records = []
        for i, length in enumerate(lengths):
            times = (step_times[i, :length] - step_times[i, 0]
                     if step_times is not None else
                     np.arange(length) * self.step_seconds)
            name = path if ext != '.pt' else f'{path}[{i}]'
            records.append(self.hr_record(name, times, preds[i, :length],
                                          hr[i, :length], mask[i, :length]))
        return records

    def hr_record(self, name: str, times: np.ndarray, pred: np.ndarray,
                  hr: np.ndarray, mask: np.ndarray) -> dict:
        """One workout's record (per step with ``per_window``)."""
        counted = mask & np.isfinite(hr)
        mae: Optional[float] = (float(np.abs(pred - hr)[counted].mean())
                                if counted.any() else None)
        record = dict(file=name, steps=int(len(pred)),
                      duration_s=float(times[-1]) if len(times) else 0.0,
                      mean_pred_hr=float(pred.mean()), mae_bpm=mae,
                      num_windows=int(len(pred)))
        if self.per_window:
            record['windows'] = [
                dict(step=j, time_s=float(t), pred_hr=float(p),
                     hr=float(h) if np.isfinite(h) else None)
                for j, (t, p, h) in enumerate(zip(times, pred, hr))]
        return record
