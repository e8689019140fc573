from abc import abstractmethod
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from .formats.checks import check_implausible_mode, per_item, warn_or_record
from .file_split import check_split_args, split_files
from .formats.mmaction_pose_pickle import skeleton_annotation
from .transforms.pose_utils import openpose18_to_coco17, window_starts

OUTPUTS = ('window', 'skeleton')
# arguments that moved to the pipeline's transforms
MOVED = dict(sampling='SamplePoseWindows', num_clips='SamplePoseWindows',
             torso_ratio='NormalizePoseWindows')


class BasePoseDataset(BaseDataset):
    """Base of the pose-sequence datasets: file split, whole sequences.

    Subclasses list the files of ``data_root`` with their labels
    (:meth:`scan_files`) and read one file into OpenPose-18 poses
    (:meth:`read_file`). This class splits the files (a ratio split or k
    folds) and, for ``output='window'``, yields each file's whole sequence
    (``keypoint`` (T, 18, 2) in pixels, ``keypoint_valid`` (T, 18)); the
    pipeline cuts and normalises the windows
    (:class:`~ftplugin.datasets.transforms.SamplePoseWindows`,
    :class:`~ftplugin.datasets.transforms.NormalizePoseWindows`), as
    mmaction2's skeleton pipelines do (``UniformSampleFrames``,
    ``PreNormalize2D``). With ``window_stride > 0`` each sliding window of
    a file is a sample of its own (its ``start_frame``; pretraining). With
    ``output='skeleton'`` it yields mmaction2's ``PoseDataset`` samples
    instead (whole sequences in the COCO-17 layout, for
    ``UniformSampleFrames``/``PoseDecode``/``FormatGCNInput`` and the
    skeleton models).

    Args:
        data_root (str): Root directory of the dataset.
        pipeline (list): Transforms applied to each sample.
        split (str): ``'train'``, ``'val'`` or ``'test'`` for a stratified
            split of the files (``split_ratios``, or the folds), or
            ``'all'`` for every file. Defaults to ``'all'``.
        split_ratios (Sequence[float]): Train/val/test fractions of each
            class. Defaults to (0.7, 0.2, 0.1).
        split_seed (int): Seed of the split; the same seed gives the same
            files in every process and run. Defaults to 42.
        num_folds (int): 0 for the ratio split; k >= 2 for k stratified
            folds: ``'test'`` is fold ``fold``, ``'train'``/``'val'`` the
            other folds cut by ``split_ratios`` (see
            :func:`~ftplugin.datasets.file_split.split_files`).
            Defaults to 0.
        fold (int): The held-out fold when ``num_folds > 0``. Defaults to 0.
        max_samples_per_class (int, optional): Keep only the first N files
            (sorted by name) of each class before splitting, as the original
            project's ``--max-samples-per-class``. Defaults to None.
        clip_len (int): Frames per sliding window (``window_stride > 0``).
            Defaults to 64.
        window_stride (int): 0 for one sample per file; > 0 for one sample
            per sliding window every ``window_stride`` frames (pretraining).
            Defaults to 0.
        output (str): ``'window'`` (whole OpenPose-18 sequences for the
            window transforms, above) or ``'skeleton'`` (mmaction2
            ``PoseDataset`` samples: whole sequences, ``keypoint``
            (1, T, 17, 2) in pixels, ``keypoint_score`` (1, T, 17),
            ``total_frames``, ``label``, ``filename``, ``frame_dir``, and
            ``img_shape`` where the subclass sets the attribute ``img_shape``
            (the frame size in pixels, for ``PreNormalize2D``); see
            :mod:`~ftplugin.datasets.formats.mmaction_pose_pickle`).
            Defaults to ``'window'``.
        on_empty (str): What to do with files that hold no pose:
            ``'skip'`` (one warning naming them) or ``'error'``.
            Defaults to ``'skip'``.
        on_implausible (str): Files that look wrong but could be meant
            (coordinates normalised to 0-1 or far outside the frame, one
            value in a whole coordinate column, files that look like data
            beside the expected pattern, a class without files): an error
            naming the file and the likely cause with ``'error'``, a
            warning with ``'warn'`` (such files are then read as they are,
            or left out when beside the pattern). Defaults to ``'error'``.
        test_mode (bool): Passed to :class:`BaseDataset`.
    """
    # (height, width) of the source frames, when known: skeleton samples
    # then carry it as ``img_shape`` (a subclass or its argument sets it)
    img_shape: Optional[Tuple[int, int]] = None

    def __init__(self,
                 data_root: str,
                 pipeline: List[Union[dict, Callable]] = (),
                 split: str = 'all',
                 split_ratios: Sequence[float] = (0.7, 0.2, 0.1),
                 split_seed: int = 42,
                 num_folds: int = 0,
                 fold: int = 0,
                 max_samples_per_class: Optional[int] = None,
                 clip_len: int = 64,
                 window_stride: int = 0,
                 output: str = 'window',
                 on_empty: str = 'skip',
                 on_implausible: str = 'error',
                 test_mode: bool = False,
                 **kwargs) -> None:
        check_split_args(split, split_ratios, num_folds, fold)
        moved = sorted(set(kwargs) & set(MOVED))
        if moved:
            raise TypeError(
                f'{type(self).__name__}: {", ".join(moved)} moved to the '
                f'pipeline: put {", ".join(sorted({MOVED[m] for m in moved}))}'
                f' (ftplugin.datasets.transforms) in it, e.g. '
                f"dict(type='SamplePoseWindows', clip_len=64, "
                f"sampling='clips', num_clips=5), "
                f"dict(type='NormalizePoseWindows')")
        if on_empty not in ('skip', 'error'):
            raise ValueError(f"on_empty must be 'skip' or 'error', got "
                             f'{on_empty!r}')
        if output not in OUTPUTS:
            raise ValueError(f'output must be one of {OUTPUTS}, got '
                             f'{output!r}')
        self.split = split
        self.split_ratios = tuple(split_ratios)
        self.split_seed = split_seed
        self.num_folds = num_folds
        self.fold = fold
        self.max_samples_per_class = max_samples_per_class
        self.clip_len = clip_len
        self.window_stride = window_stride
        self.output = output
        self.on_empty = on_empty
        self.on_implausible = check_implausible_mode(on_implausible)
        # whole sequences, read once; the samples index into this list so
        # that mmengine's serialised data list holds no copy of them
        self._sequences: List[Tuple[np.ndarray, np.ndarray]] = []
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

    def read_skeleton(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        """Read one file into COCO-17 (T, 17, 2) pixels and (T, 17) scores.

        The default maps :meth:`read_file` back to COCO-17 with a score of 1
        for detected joints and 0 otherwise; readers whose files hold
        detector confidences override it.
        """
        poses, valid = openpose18_to_coco17(*self.read_file(path))
        return poses, valid.astype(np.float32)

    def select_files(
            self, files: List[Tuple[str, int]]) -> List[Tuple[str, int]]:
        """Apply ``max_samples_per_class`` and the stratified file split.

        Args:
            files (list[tuple]): ``(path, label)`` pairs sorted by path.

        Returns:
            list[tuple]: The pairs of this split, sorted by path.
        """
        return split_files(files, self.split, self.split_ratios,
                           self.split_seed, self.max_samples_per_class,
                           self.num_folds, self.fold)

    def load_data_list(self) -> List[dict]:
        """Read the files of this split (whole sequences)."""
        files = self.select_files(self.scan_files())
        data_list, empty = [], []
        self._sequences = []
        for path, label in files:
            keypoint = None
            with per_item(path):
                if self.output == 'skeleton':
                    keypoint, score = self.read_skeleton(path)
                else:
                    keypoint, score = self.read_file(path)
            if keypoint is None:
                continue  # a validation pass recorded why
            if len(keypoint) == 0:
                empty.append(path)
                continue
            info = dict(label=label, filename=path,
                        total_frames=len(keypoint))
            if self.output == 'skeleton':
                if self.img_shape is not None:  # read by PreNormalize2D
                    info['img_shape'] = tuple(self.img_shape)
                data_list.append(skeleton_annotation(
                    info, keypoint, score, self.data_root))
                continue
            self._sequences.append((keypoint, score))
            info['sequence'] = len(self._sequences) - 1
            if self.window_stride > 0:
                # one sample per sliding window (pretraining)
                data_list += [dict(info, start_frame=start)
                              for start in window_starts(
                                  len(keypoint), self.clip_len,
                                  self.window_stride)]
            else:
                data_list.append(info)
        if empty:
            message = (f'{len(empty)} file(s) of {self.data_root} hold no '
                       f'pose (header only): ' + ', '.join(empty))
            if self.on_empty == 'error':
                raise ValueError(message)
            warn_or_record(message + ' -- skipped (on_empty="error" makes '
                           'this an error).', skipped_by_config=True)
        if not data_list:
            raise ValueError(f'No samples for split {self.split!r} under '
                             f'{self.data_root}')
        return data_list

    def get_data_info(self, idx: int) -> dict:
        """The data info of sample ``idx`` with its whole sequence:
        ``keypoint`` (T, 18, 2) and ``keypoint_valid`` (T, 18) for
        ``output='window'`` (read once, shared), or the skeleton sample."""
        info = super().get_data_info(idx)
        if self.output == 'window':
            info['keypoint'], info['keypoint_valid'] = self._sequences[
                info.pop('sequence')]
        return info
