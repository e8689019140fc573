"""butppg: ``.npz`` files of windows, and long recordings (``.npz`` / CSV)
cut into the model's windows."""
from typing import List, Tuple

import numpy as np

from ...datasets.formats.checks import read_npz
from ...datasets.formats.signal_recording_csv import read_signal_recording_csv
from ...datasets.formats.signal_recording_npz import read_signal_recording_npz
from ...datasets.formats.signal_windows_npz import read_signal_windows
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
                windows, _ = read_signal_windows(
                    path, channels, file_channels, keys, label_key=None,
                    window_length=length)
                return windows, [dict(window=i) for i in range(len(windows))]
            signals, rate = read_signal_recording_npz(
                path, channels, file_channels, keys,
                self.options.get('sample_rate'))
        else:
            signals, rate = read_signal_recording_csv(
                path, channels, self.options.get('sample_rate'))
        return self.cut(path, signals, rate)

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
