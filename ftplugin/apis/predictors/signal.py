"""butppg: ``.npz`` files of windows, and long recordings (``.npz`` / CSV)
cut into the model's windows."""
from typing import List, Tuple

import numpy as np

from ...datasets.formats.checks import read_npz
from ...datasets.formats.signal_recording_csv import read_signal_recording_csv
from ...datasets.formats.signal_recording_npz import read_signal_recording_npz
from ...datasets.formats.signal_windows_npz import (MAX_STD_RATIO,
                                                   check_channel_scales,
                                                   check_constant_channels,
                                                   read_signal_windows)
from .base import BasePredictor, InferenceInputError


class SignalPredictor(BasePredictor):
    """Signal quality per window of multi-channel signal files.

    - An ``.npz`` of windows (``signals``/``data`` ``[N, C, T]`` or ``[N,
      T, C]``, channels by ``channel_names`` or the config's
      ``file_channels``), read by the training dataset's reader: one result
      per window, as ``tools/test.py`` gives on that file.
    - A long recording: an ``.npz`` with 2-D ``signals`` ``(C, T)`` / ``(T,
      C)`` + ``channel_names`` + ``sample_rate``, or a CSV with one column
      per channel (+ ``time`` in seconds): cut into windows of the model's
      length every ``hop`` samples (default: the window length). Its rate
      must be the model's (``sample_rate`` of the spec); window ``start`` /
      ``end`` are in seconds.

    The file's probabilities are the mean of its windows'. The model
    normalises each window itself (its stored training statistics).

    Options:
        hop (int): Samples between recording windows.
        sample_rate (float): Rate (Hz) of recordings that do not state it.
    """
    extensions = ('.npz', '.csv')
    window_unit = 's'

    @classmethod
    def option_names(cls):
        return ('hop', 'sample_rate')

    def read(self, path: str) -> Tuple[np.ndarray, List[dict]]:
        """(N, C, T) float32 windows and their spans."""
        data = self.spec['dataset']
        channels = data['channels']
        file_channels = data.get('file_channels') or channels
        keys = tuple(data.get('signal_keys') or ('signals', 'data'))
        length = data['window_length']
        ext = self.check_extension(path)
        if ext == '.npz':
            fields = read_npz(path, optional=keys)
            key = next((k for k in keys if k in fields), None)
            if key is not None and fields[key].ndim == 3:
                found = {}
                windows, _ = read_signal_windows(
                    path, channels, file_channels, keys, label_key=None,
                    window_length=length, found=found,
                    sample_rate=self.spec.get('sample_rate'))
                self.check_scale(path, found['field'],
                                 windows.mean(axis=(0, 2), dtype=np.float64),
                                 windows.std(axis=(0, 2), dtype=np.float64))
                return windows, [dict(window=i) for i in range(len(windows))]
            signals, rate = read_signal_recording_npz(
                path, channels, file_channels, keys,
                self.options.get('sample_rate'))
        else:
            signals, rate = read_signal_recording_csv(
                path, channels, self.options.get('sample_rate'))
        self.check_scale(path, 'columns' if ext == '.csv' else 'signals',
                         signals.mean(1, dtype=np.float64),
                         signals.std(1, dtype=np.float64))
        return self.cut(path, signals, rate)

    def check_scale(self, path: str, field: str, mean: np.ndarray,
                    std: np.ndarray) -> None:
        """Refuse, as the training dataset does, a channel constant over
        the whole file and channels on another scale than the model's
        training data (another unit or gain, z-scored per file): the model
        normalises them with the training statistics."""
        channels = self.spec['dataset']['channels']
        mode = self.spec['dataset'].get('on_implausible', 'error')
        check_constant_channels(path, field, channels, mean, std, mode)
        stats = self.spec.get('channel_stats')
        if not stats:
            return
        train_mean = np.asarray(stats['mean'])
        train_std = np.asarray(stats['std'])
        # one file may be far quieter than the training data on some
        # channels (an accelerometer at rest): a channel is judged unless
        # it is quieter, and all of them only where all are (a gain)
        quiet = std * MAX_STD_RATIO < train_std
        keep = np.flatnonzero(~quiet) if not quiet.all() else np.arange(
            len(channels))
        check_channel_scales(
            path, [channels[i] for i in keep], mean[keep], std[keep],
            f'{self.spec.get("checkpoint") or "the model"}: its '
            f'normalisation statistics', train_mean[keep], train_std[keep],
            mode)

    def cut(self, path: str, signals: np.ndarray,
            rate: float) -> Tuple[np.ndarray, List[dict]]:
        """Windows of the model's length every ``hop`` samples."""
        length = self.spec['dataset']['window_length']
        model_rate = self.spec.get('sample_rate')
        if model_rate and abs(rate - model_rate) > 1e-3 * model_rate:
            raise InferenceInputError(
                f'{path}: recorded at {rate:g} Hz; the model takes '
                f'{length}-sample windows at {model_rate:g} Hz: resample '
                f'the recording to {model_rate:g} Hz first')
        hop = int(self.options.get('hop') or length)
        if hop < 1:
            raise InferenceInputError(f'hop must be >= 1 sample, got {hop}')
        total = signals.shape[1]
        if total < length:
            raise InferenceInputError(
                f'{path}: {total} samples ({total / rate:.1f} s), shorter '
                f'than one window of the model ({length} samples)')
        starts = range(0, total - length + 1, hop)
        windows = np.stack([signals[:, s:s + length] for s in starts])
        return windows, [dict(window=i, start=round(s / rate, 6),
                              end=round((s + length) / rate, 6))
                         for i, s in enumerate(starts)]

    def predict_file(self, path: str) -> List[dict]:
        windows, spans = self.read(path)
        probs = self.score(windows)
        return [self.class_record(path, probs, spans)]
