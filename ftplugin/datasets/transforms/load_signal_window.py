import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..formats.signal_windows_npz import check_signals, read_signal_windows


@TRANSFORMS.register_module()
class LoadSignalWindow(BaseTransform):
    """Read one signal window from a file, so that a test pipeline starts
    from a file (mmaction2's ``inference_recognizer``).

    - ``audio_path`` (what mmaction2's ``inference_recognizer`` sets for a
      ``.npy``): one window ``(C, T)`` or ``(T, C)`` in ``file_channels``
      order.
    - ``filename``: an ``.npz`` of windows (the dataset's format, read by
      its reader); ``index`` picks one (needed when it holds several).

    Puts the float32 ``(C, T)`` window, in ``channels`` order, under
    ``audios`` (what the signal datasets give ``PackActionInputs``).
    ``ftplugin.apis.init_model`` builds it from the config's test dataset.

    Args:
        channels (Sequence[str]): The model's channels, in order.
        file_channels (Sequence[str], optional): The file's channel order
            when it names none. Defaults to ``channels``.
        window_length (int, optional): Samples per window.
        signal_keys (Sequence[str]): Fields of an ``.npz`` tried for the
            windows. Defaults to ``('signals', 'data')``.
    """

    def __init__(self, channels: Sequence[str],
                 file_channels: Optional[Sequence[str]] = None,
                 window_length: Optional[int] = None,
                 signal_keys: Sequence[str] = ('signals', 'data')) -> None:
        self.channels = tuple(channels)
        self.file_channels = tuple(file_channels or channels)
        self.window_length = window_length
        self.signal_keys = tuple(signal_keys)

    def transform(self, results: Dict) -> Dict:
        path = results.get('audio_path') or results['filename']
        if osp.splitext(path)[1].lower() == '.npy':
            window = np.load(path, allow_pickle=False)
            windows = check_signals(path, 'array', window[None],
                                    self.file_channels, self.channels,
                                    self.window_length)
        else:
            windows, _ = read_signal_windows(
                path, self.channels, self.file_channels, self.signal_keys,
                label_key=None, window_length=self.window_length)
        index = results.get('index')
        if index is None and len(windows) > 1:
            raise ValueError(f'{path}: holds {len(windows)} windows; pass '
                             f'dict(filename=..., index=i) for one of them '
                             f'(ftplugin.apis.inference scores them all)')
        results['audios'] = windows[index or 0]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(channels={self.channels}, '
                f'window_length={self.window_length})')
