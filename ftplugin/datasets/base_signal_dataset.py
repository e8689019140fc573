import os.path as osp
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from .formats.checks import (check_implausible_mode, check_real_numbers,
                             read_npz)
from .formats.signal_windows_npz import (check_channel_scales,
                                         check_constant_channels)


class BaseSignalDataset(BaseDataset):
    """Base of the multi-channel signal window datasets (``.npz`` files).

    Reads one ``.npz`` file of windows, ``[N, C, T]`` or ``[N, T, C]``,
    checks it, selects and orders the channels by name and yields one sample
    per window: the float32 ``(C, T)`` window under ``audios`` (the key
    mmaction2's ``PackActionInputs`` packs for 1-D signals) and, when the
    file has labels, ``label``. Per-channel mean and std of all windows are
    kept in :attr:`channel_mean` / :attr:`channel_std`; the training split's
    are what ``FitNormalizationHook`` stores in the model.

    A file that does not fit raises an error naming the file and the field
    (complex or non-numeric windows included). A channel that holds one
    value in every window, and (:meth:`check_against`, at training start
    and in ``tools/validate_data.py``) a split whose channels are on
    another scale than the training split's, e.g. z-scored per channel in
    one split only, are implausible (``on_implausible``).

    Args:
        data_root (str): Folder of the files.
        channels (Sequence[str]): The channels the model gets, in order.
        file_channels (Sequence[str]): The channel order of files that carry
            no ``channel_names`` field. Defaults to ``channels``.
        signal_keys (Sequence[str]): Field names tried, in order, for the
            windows.
        label_key (str, optional): Field of the integer labels; None for
            unlabelled data.
        window_length (int, optional): Samples per window; None accepts any
            (the same for every window of a file).
        num_classes (int, optional): Labels must lie in ``[0,
            num_classes)``.
        on_implausible (str): Implausible channels (above) are an error
            naming the file, the channel and the likely cause with
            ``'error'``, a warning with ``'warn'``. Defaults to ``'error'``.
        pipeline (list): Transforms of each sample.
        test_mode (bool): Passed to :class:`BaseDataset`.
    """

    def __init__(self,
                 data_root: str,
                 channels: Sequence[str],
                 file_channels: Optional[Sequence[str]] = None,
                 signal_keys: Sequence[str] = ('signals', 'data'),
                 label_key: Optional[str] = 'labels',
                 window_length: Optional[int] = None,
                 num_classes: Optional[int] = None,
                 on_implausible: str = 'error',
                 pipeline: List[Union[dict, Callable]] = (),
                 test_mode: bool = False,
                 **kwargs) -> None:
        self.channels = tuple(channels)
        self.file_channels = tuple(file_channels or channels)
        for name, names in (('channels', self.channels),
                            ('file_channels', self.file_channels)):
            if not names or len(set(names)) != len(names):
                raise ValueError(f'{name} must be unique names, got {names}')
        self.signal_keys = tuple(signal_keys)
        self.label_key = label_key
        self.window_length = window_length
        self.num_classes = num_classes
        self.on_implausible = check_implausible_mode(on_implausible)
        self.channel_mean = self.channel_std = None
        self.signals_file = self.signal_field = None
        super().__init__(
            data_root=data_root,
            pipeline=list(pipeline),
            test_mode=test_mode,
            **kwargs)

    def data_file(self) -> str:
        """The ``.npz`` file this dataset reads."""
        raise NotImplementedError

    def read_npz(self, path: str) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """Read and check ``path``: ``(N, C, T)`` float32 windows in
        :attr:`channels` order and ``(N, )`` int64 labels (or None)."""
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} not found')
        data = read_npz(path, optional=tuple(self.signal_keys) + (
            'channel_names', ) + ((self.label_key, ) if self.label_key
                                  else ()))
        fields = data['__fields__']
        key = next((k for k in self.signal_keys if k in fields), None)
        if key is None:
            wanted = ' or '.join(map(repr, self.signal_keys))
            raise KeyError(f'{path}: no field {wanted} with the windows;'
                           f' fields are {fields}')
        signals = data[key]
        self.signal_field = key
        names = (tuple(str(c) for c in data['channel_names'])
                 if 'channel_names' in data else self.file_channels)
        labels = None
        if self.label_key is not None:
            if self.label_key not in data:
                raise KeyError(f'{path}: no field {self.label_key!r} '
                               f'with the labels; fields are {fields}')
            labels = data[self.label_key]
        signals = self._check_signals(path, key, signals, names)
        if labels is not None:
            labels = self._check_labels(path, labels, len(signals))
        return signals, labels

    def _check_signals(self, path: str, key: str, signals: np.ndarray,
                       names: Tuple[str, ...]) -> np.ndarray:
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
        if (self.window_length is not None
                and signals.shape[2] != self.window_length):
            raise ValueError(f'{path}: field {key!r} has windows of '
                             f'{signals.shape[2]} samples, expected '
                             f'{self.window_length}')
        missing = [c for c in self.channels if c not in names]
        if missing:
            raise ValueError(f'{path}: channel(s) {missing} not in the '
                             f'file\'s channels {list(names)}')
        signals = signals[:, [names.index(c) for c in self.channels]]
        signals = np.ascontiguousarray(signals, dtype=np.float32)
        bad = ~np.isfinite(signals)
        if bad.any():
            windows = np.unique(np.nonzero(bad)[0])
            raise ValueError(f'{path}: field {key!r} holds {int(bad.sum())} '
                             f'NaN/inf value(s) in {len(windows)} window(s),'
                             f' e.g. window {windows[:5].tolist()}')
        return signals

    def _check_labels(self, path: str, labels: np.ndarray,
                      num: int) -> np.ndarray:
        field = self.label_key
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
        if self.num_classes is not None:
            bad = (labels < 0) | (labels >= self.num_classes)
            if bad.any():
                raise ValueError(
                    f'{path}: field {field!r} has value(s) '
                    f'{sorted(set(labels[bad].tolist()))[:5]} outside 0..'
                    f'{self.num_classes - 1}')
        return labels

    def load_data_list(self) -> List[dict]:
        path = self.data_file()
        signals, labels = self.read_npz(path)
        self.channel_mean = signals.mean(axis=(0, 2), dtype=np.float64)
        self.channel_std = signals.std(axis=(0, 2), dtype=np.float64)
        self.signals_file = path
        check_constant_channels(path, self.signal_field, self.channels,
                                self.channel_mean, self.channel_std,
                                self.on_implausible)
        data_list = []
        for i, window in enumerate(signals):
            info = dict(audios=window, filename=path, index=i)
            if labels is not None:
                info['label'] = int(labels[i])
            data_list.append(info)
        return data_list

    def check_against(self, train: 'BaseSignalDataset') -> None:
        """Refuse channels on another scale than the training split's
        (``train``): the model normalises every split with the training
        statistics."""
        if (getattr(train, 'channel_mean', None) is None
                or self.channel_mean is None
                or tuple(train.channels) != self.channels):
            return
        check_channel_scales(self.signals_file, self.channels,
                             self.channel_mean, self.channel_std,
                             train.signals_file, train.channel_mean,
                             train.channel_std, self.on_implausible)
