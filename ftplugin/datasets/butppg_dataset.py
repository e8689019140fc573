import logging
import os.path as osp
from typing import Sequence

from mmaction.registry import DATASETS
from mmengine.logging import print_log

from .base_signal_dataset import BaseSignalDataset

BUTPPG_CHANNELS = ('ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG')


@DATASETS.register_module()
class BUTPPGDataset(BaseSignalDataset):
    """BUT-PPG quality windows: ``<data_root>/{train,val,test}.npz``.

    Each file holds ``signals`` (or ``data``), ``[N, 5, 1250]`` or ``[N, 1250,
    5]`` (10 s at 125 Hz), and ``labels`` ``[N]``: 0 = poor quality, 1 = good.
    The file's channels are ``file_channels`` (the original project's order by
    default) unless it carries a ``channel_names`` field; ``channels`` picks
    and orders what the model gets, so e.g. ``channels=('PPG', 'ECG')`` feeds a
    2-channel model from the same files. As in the original project, a missing
    ``val.npz`` falls back to ``test.npz`` with a warning.

    Args:
        data_root (str): Folder of the split files.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        channels (Sequence[str]): Channels given to the model, in order.
            Defaults to ``('ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG')``.
        file_channels (Sequence[str]): Channel order of files without
            ``channel_names``. Defaults to the same five.
        window_length (int): Samples per window. Defaults to 1250.
        val_fallback (bool): Read ``test.npz`` when ``val.npz`` is missing.
            Defaults to True.
        **kwargs: See :class:`BaseSignalDataset`.
    """
    METAINFO = dict(classes=('poor', 'good'))
    SPLITS = ('train', 'val', 'test')
    #: samples per second of the windows (10 s of 1250 samples)
    SAMPLE_RATE = 125.0

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 channels: Sequence[str] = BUTPPG_CHANNELS,
                 file_channels: Sequence[str] = BUTPPG_CHANNELS,
                 window_length: int = 1250,
                 val_fallback: bool = True,
                 **kwargs) -> None:
        if split not in self.SPLITS:
            raise ValueError(f'split must be one of {self.SPLITS}, got '
                             f'{split!r}')
        self.split = split
        self.val_fallback = val_fallback
        super().__init__(
            data_root=data_root,
            channels=channels,
            file_channels=file_channels,
            label_key='labels',
            window_length=window_length,
            num_classes=len(self.METAINFO['classes']),
            **kwargs)

    def data_file(self) -> str:
        path = osp.join(self.data_root, f'{self.split}.npz')
        if self.split == 'val' and self.val_fallback and not osp.isfile(path):
            fallback = osp.join(self.data_root, 'test.npz')
            if osp.isfile(fallback):
                print_log(f'{path} not found: validating on {fallback} '
                          f'instead (as the original project does); its '
                          f'scores are then no independent test',
                          logger='current', level=logging.WARNING)
                return fallback
        return path
