from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from .formats.checks import check_implausible_mode
from .formats.signal_windows_npz import (check_channel_scales,
                                         check_constant_channels,
                                         read_signal_windows)


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
        found = {}
        windows = read_signal_windows(
            path, self.channels, self.file_channels, self.signal_keys,
            self.label_key, self.window_length, self.num_classes, found,
            getattr(self, 'SAMPLE_RATE', None))
        self.signal_field = found['field']
        return windows

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
