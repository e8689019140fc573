from abc import abstractmethod
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from .data_checks import per_item, warn_or_record
from .pose_utils import normalize_pose_sequence, pad_or_trim, window_starts

SPLITS = ('train', 'val', 'test', 'all')


class BasePoseDataset(BaseDataset):
    """Base of the pose-sequence datasets: file split, windows, normalisation.

    Subclasses list the files of ``data_root`` with their labels
    (:meth:`scan_files`) and read one file into OpenPose-18 poses
    (:meth:`read_file`). This class splits the files, cuts windows, normalises
    them and yields ``keypoint`` arrays of shape (2, clip_len, 18) for
    mmaction2's ``PackActionInputs``.

    Args:
        data_root (str): Root directory of the dataset.
        pipeline (list): Transforms applied to each sample.
        split (str): ``'train'``, ``'val'`` or ``'test'`` for a stratified
            split of the files (``split_ratios``), or ``'all'`` for every
            file. Defaults to ``'all'``.
        split_ratios (Sequence[float]): Train/val/test fractions of each
            class. Defaults to (0.7, 0.2, 0.1).
        split_seed (int): Seed of the split; the same seed gives the same
            files in every process and run. Defaults to 42.
        max_samples_per_class (int, optional): Keep only the first N files
            (sorted by name) of each class before splitting, as the original
            project's ``--max-samples-per-class``. Defaults to None.
        clip_len (int): Frames per window. Defaults to 64.
        window_stride (int): 0 for one window per file; > 0 for sliding
            windows every ``window_stride`` frames. Defaults to 0.
        sampling (str): How the one window of a file (``window_stride=0``)
            is taken from a file longer than ``clip_len``: ``'first'``, its
            first ``clip_len`` frames (the original project), or ``'uniform'``,
            ``clip_len`` frames evenly spaced over the whole file, so an event
            late in a long file is still seen. Shorter files repeat their last
            frame either way. Defaults to ``'first'``.
        torso_ratio (float): See :func:`normalize_pose_sequence`: the scale
            is at least this fraction of the torso length. Defaults to 0 (the
            original project's shoulder-width scale).
        on_empty (str): What to do with files that hold no pose:
            ``'skip'`` (one warning naming them) or ``'error'``.
            Defaults to ``'skip'``.
        test_mode (bool): Passed to :class:`BaseDataset`.
    """

    def __init__(self,
                 data_root: str,
                 pipeline: List[Union[dict, Callable]] = (),
                 split: str = 'all',
                 split_ratios: Sequence[float] = (0.7, 0.2, 0.1),
                 split_seed: int = 42,
                 max_samples_per_class: Optional[int] = None,
                 clip_len: int = 64,
                 window_stride: int = 0,
                 sampling: str = 'first',
                 torso_ratio: float = 0.0,
                 on_empty: str = 'skip',
                 test_mode: bool = False,
                 **kwargs) -> None:
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        if on_empty not in ('skip', 'error'):
            raise ValueError(f"on_empty must be 'skip' or 'error', got "
                             f'{on_empty!r}')
        if sampling not in ('first', 'uniform'):
            raise ValueError(f"sampling must be 'first' or 'uniform', got "
                             f'{sampling!r}')
        if sampling == 'uniform' and window_stride > 0:
            raise ValueError("sampling='uniform' takes one window per file; "
                             'it cannot be combined with window_stride > 0')
        if len(split_ratios) != 3 or abs(sum(split_ratios) - 1) > 1e-6:
            raise ValueError(f'split_ratios must be 3 fractions summing to 1,'
                             f' got {split_ratios}')
        self.split = split
        self.split_ratios = tuple(split_ratios)
        self.split_seed = split_seed
        self.max_samples_per_class = max_samples_per_class
        self.clip_len = clip_len
        self.window_stride = window_stride
        self.sampling = sampling
        self.torso_ratio = torso_ratio
        self.on_empty = on_empty
        super().__init__(
            data_root=data_root,
            pipeline=list(pipeline),
            test_mode=test_mode,
            **kwargs)

    @abstractmethod
    def scan_files(self) -> List[Tuple[str, int]]:
        """Return ``(path, label)`` of every file, sorted by path."""

    @abstractmethod
    def read_file(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        """Read one file into (T, 18, 2) poses and (T, 18) validity."""

    def select_files(
            self, files: List[Tuple[str, int]]) -> List[Tuple[str, int]]:
        """Apply ``max_samples_per_class`` and the stratified file split.

        Args:
            files (list[tuple]): ``(path, label)`` pairs sorted by path.

        Returns:
            list[tuple]: The pairs of this split, sorted by path.
        """
        labels = sorted({label for _, label in files})
        rng = np.random.default_rng(self.split_seed)
        selected = []
        for label in labels:
            group = [f for f in files if f[1] == label]
            if self.max_samples_per_class:
                group = group[:self.max_samples_per_class]
            if self.split == 'all':
                selected += group
                continue
            order = rng.permutation(len(group))
            n_train = int(round(self.split_ratios[0] * len(group)))
            n_val = int(round(self.split_ratios[1] * len(group)))
            bounds = {'train': (0, n_train),
                      'val': (n_train, n_train + n_val),
                      'test': (n_train + n_val, len(group))}[self.split]
            selected += [group[i] for i in order[bounds[0]:bounds[1]]]
        return sorted(selected)

    def window_frames(self, num_frames: int) -> List[np.ndarray]:
        """Frame indices of each window taken from a file.

        Args:
            num_frames (int): Frames in the file.

        Returns:
            list[np.ndarray]: One index array per window (at most
            ``clip_len`` long; shorter ones are padded later).
        """
        if self.sampling == 'uniform' and num_frames > self.clip_len:
            return [np.linspace(0, num_frames - 1, self.clip_len).round()
                    .astype(np.int64)]
        return [np.arange(start, min(start + self.clip_len, num_frames))
                for start in window_starts(num_frames, self.clip_len,
                                           self.window_stride)]

    def load_data_list(self) -> List[dict]:
        """Read, window and normalise the files of this split."""
        files = self.select_files(self.scan_files())
        data_list, empty = [], []
        for path, label in files:
            poses = None
            with per_item(path):
                poses, valid = self.read_file(path)
            if poses is None:
                continue  # a validation pass recorded why
            if len(poses) == 0:
                empty.append(path)
                continue
            for frames in self.window_frames(len(poses)):
                window = normalize_pose_sequence(
                    pad_or_trim(poses[frames], self.clip_len),
                    pad_or_trim(valid[frames], self.clip_len),
                    torso_ratio=self.torso_ratio)
                data_list.append(
                    dict(
                        keypoint=np.ascontiguousarray(
                            window.transpose(2, 0, 1)),  # (2, T, J)
                        label=label,
                        filename=path,
                        start_frame=int(frames[0]),
                        total_frames=len(poses)))
        if empty:
            message = (f'{len(empty)} file(s) of {self.data_root} hold no '
                       f'pose (header only): ' + ', '.join(empty))
            if self.on_empty == 'error':
                raise ValueError(message)
            warn_or_record(message + ' -- skipped (on_empty="error" makes '
                           'this an error).')
        if not data_list:
            raise ValueError(f'No samples for split {self.split!r} under '
                             f'{self.data_root}')
        return data_list
