import os.path as osp
from typing import Sequence

from mmaction.registry import DATASETS

from .base_signal_dataset import BaseSignalDataset


@DATASETS.register_module()
class VitalDBWindowsDataset(BaseSignalDataset):
    """Unlabelled VitalDB windows for self-supervised pretraining.

    Reads ``<data_root>/{split}_windows.npz`` whose ``data`` (the original
    project's name; ``windows`` and ``signals`` are accepted too) holds ``[N,
    2, T]`` (or ``[N, T, 2]``) windows of PPG and ECG.

    Args:
        data_root (str): Folder of the files.
        split (str): ``'train'`` or ``'val'``.
        channels (Sequence[str]): Channels given to the model. Defaults to
            ``('PPG', 'ECG')``.
        file_channels (Sequence[str]): Channel order of files without
            ``channel_names``. Defaults to ``('PPG', 'ECG')``.
        window_length (int, optional): Samples per window. Defaults to 1250.
        **kwargs: See :class:`BaseSignalDataset`.
    """
    SPLITS = ('train', 'val')

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 channels: Sequence[str] = ('PPG', 'ECG'),
                 file_channels: Sequence[str] = ('PPG', 'ECG'),
                 window_length: int = 1250,
                 **kwargs) -> None:
        if split not in self.SPLITS:
            raise ValueError(f'split must be one of {self.SPLITS}, got '
                             f'{split!r}')
        self.split = split
        super().__init__(
            data_root=data_root,
            channels=channels,
            file_channels=file_channels,
            signal_keys=('data', 'windows', 'signals'),
            label_key=None,
            window_length=window_length,
            **kwargs)

    def data_file(self) -> str:
        return osp.join(self.data_root, f'{self.split}_windows.npz')
