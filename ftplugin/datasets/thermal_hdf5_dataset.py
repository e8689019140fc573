import os
import os.path as osp
from collections import Counter
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from .formats.checks import (check_implausible_mode, check_inside_root,
                             implausible, per_item, record_error,
                             warn_or_record)
from .seeded_sample_mixin import SeededSampleMixin
from .formats.thermal_coco_json import load_class_mapping, load_thermal_coco
from .formats.thermal_hdf5 import (CHECKED_FRAMES, check_keyframe_times,
                                   check_temperatures, clip_bounds,
                                   clip_results, frame_rate, frames_layout,
                                   pad_clip, read_rendered_recording,
                                   recording_timestamps, render_clip)



@DATASETS.register_module()
class ThermalHDF5Dataset(SeededSampleMixin, BaseActionDataset):
    """Thermal action clips from per-sensor HDF5 recordings
    (jingchen-butlr/mmaction2's ThermalDataGen).

    Files: ``<data_prefix['hdf5']>/<sensor_id>.h5`` with a ``frames``
    dataset, float32 (N, H, W) in degrees Celsius, and a COCO-style
    ``ann_file`` whose images name a ``sensor_id`` and a ``frame_idx``.

    A sample is the ``clip_len`` frames ``[frame_idx - clip_len // 2, frame_idx
    - clip_len // 2 + clip_len)`` of the image's recording (the original
    project: ``[frame_idx-32, frame_idx+32)``); where the window runs past the
    start or end of the recording the first / last frame is repeated. Its label
    is the most common ``category_id`` of the image's annotations (ties: the
    smallest id). Temperatures are clipped to ``temp_range``, scaled to 0-255
    (rounded) and replicated to 3 channels: ``imgs`` is a uint8 array
    (clip_len, H, W, 3), (64, 40, 60, 3) for the real data. A NaN/Inf
    temperature in a clip is an error naming the file and its frames (the
    sensor marks dead pixels with -273.2, not NaN). ``array`` is the
    same array, so mmaction2's ``SampleFrames`` + ``ArrayDecode`` can take
    fewer frames from it; ``modality`` is ``'RGB'`` because mmaction2's
    transforms handle 3 channels under that name.

    HDF5 files are opened lazily, by the process that reads them: a handle
    opened before a dataloader forks its workers is never used by them.
    ``dataset[(index, seed)]`` draws the sample's augmentations from
    ``seed`` (:class:`SeededSampleMixin`; ftplugin's runner passes such
    indices in training), so persistent workers, which keep the files and
    their chunk caches open from epoch to epoch, resume exactly.

    Args:
        ann_file (str): COCO-style annotation JSON (relative to
            ``data_root`` when given).
        pipeline (list): Transforms applied to each sample.
        data_prefix (dict): ``dict(hdf5=DIR)``, the folder of the
            ``<sensor_id>.h5`` files (relative to ``data_root``).
            Defaults to ``dict(hdf5='frames')``.
        class_mapping (str, optional): ``class_mapping.json`` (relative to
            ``data_root``) giving the class names in id order; the
            annotation file's ``categories`` must agree. Defaults to the
            annotation file's ``categories``.
        clip_len (int): Frames per sample. Defaults to 64.
        temp_range (Sequence[float]): Temperatures (degrees Celsius) mapped
            to 0 and 255; values outside are clipped (the real files mark
            dead pixels with -273.2). Defaults to (5.0, 45.0).
        skip_missing (bool): When sensor files named by the annotations are
            absent: False raises an error naming every missing file and how
            many samples it holds; True drops those samples with one
            warning. Defaults to False.
        on_implausible (str): Recordings whose first frames (all frames
            with ``in_memory``) mostly lie outside ``temp_range`` (another
            unit, e.g. Kelvin or centi-degrees) are an error naming the
            file and the likely unit with ``'error'``, a warning with
            ``'warn'``. Defaults to ``'error'``.
        in_memory (bool): Read every recording once, when the dataset is
            built, and keep it in memory as the 3-channel uint8 frames the
            clips are cut from (3 bytes per pixel: 78 MB for the real
            recordings); dataloader workers forked afterwards share it.
            A clip is then one copy of a slice. The clips are identical to
            the ones read from the files. Defaults to False.
        chunk_cache_mb (float): HDF5 chunk cache of each open file, in
            MB. Windows overlap and straddle the files' compressed chunks
            (64 frames, 0.6 MB decompressed in the real files): with
            h5py's default 1 MB cache every window decompressed two chunks
            again; 8 MB holds a whole 800-frame recording, so each chunk is
            decompressed once per process. Defaults to 8.
        test_mode (bool): Passed to :class:`BaseActionDataset`.
        **kwargs: ``data_root``, ``metainfo``, ``indices``, ... of
            :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]] = (),
                 data_prefix: Optional[dict] = None,
                 class_mapping: Optional[str] = None,
                 clip_len: int = 64,
                 temp_range: Sequence[float] = (5.0, 45.0),
                 skip_missing: bool = False,
                 on_implausible: str = 'error',
                 in_memory: bool = False,
                 chunk_cache_mb: float = 8.0,
                 test_mode: bool = False,
                 **kwargs) -> None:
        low, high = (float(t) for t in temp_range)
        if not high > low:
            raise ValueError(f'temp_range must be (low, high) with low < '
                             f'high, got {tuple(temp_range)}')
        if clip_len < 1:
            raise ValueError(f'clip_len must be >= 1, got {clip_len}')
        self.temp_range = (low, high)
        self.clip_len = int(clip_len)
        self.skip_missing = skip_missing
        self.on_implausible = check_implausible_mode(on_implausible)
        self.in_memory = in_memory
        self.chunk_cache_mb = chunk_cache_mb
        self._memory: Dict[str, np.ndarray] = {}
        self.class_mapping = class_mapping
        self.missing: Dict[str, int] = {}
        self._handles: Dict[str, object] = {}
        self._datasets: Dict[str, object] = {}
        self._handles_pid: Optional[int] = None
        super().__init__(
            ann_file,
            pipeline=list(pipeline),
            data_prefix=dict(data_prefix or dict(hdf5='frames')),
            test_mode=test_mode,
            **kwargs)

    # ------------------------------------------------------------ index
    def _class_names(self) -> Optional[List[str]]:
        if self.class_mapping is None:
            return None
        path = self.class_mapping
        if not osp.isabs(path) and self.data_root:
            path = osp.join(self.data_root, path)
        return load_class_mapping(path)

    def load_data_list(self) -> List[dict]:
        """Index the annotated images whose sensor file exists."""
        coco = load_thermal_coco(self.ann_file, self._class_names())
        self._metainfo['classes'] = tuple(coco['classes'])
        hdf5_dir = self.data_prefix.get('hdf5')
        if not hdf5_dir or not osp.isdir(hdf5_dir):
            raise FileNotFoundError(
                f'{self.ann_file}: frames folder data_prefix["hdf5"] = '
                f'{hdf5_dir!r} does not exist')
        if coco['unlabelled']:
            print_log(f'{self.ann_file}: {len(coco["unlabelled"])} image(s) '
                      f'without annotations have no label and are left '
                      f'out', logger='current')

        coco['samples'] = self._samples_inside(coco['samples'], hdf5_dir)
        per_file = Counter(
            osp.join(hdf5_dir, f'{s["sensor_id"]}.h5')
            for s in coco['samples'])
        self.missing = {path: n for path, n in sorted(per_file.items())
                        if not osp.isfile(path)}
        if self.missing:
            listing = '\n'.join(f'  {path}: {n} sample(s)'
                                for path, n in self.missing.items())
            lost = sum(self.missing.values())
            message = (f'{self.ann_file}: {len(self.missing)} sensor file(s) '
                       f'are missing, holding {lost} of '
                       f'{len(coco["samples"])} samples:\n{listing}')
            if not self.skip_missing:
                message += ('\nPass skip_missing=True to leave these '
                            'samples out.')
                if not record_error(message):
                    raise FileNotFoundError(message)
            else:
                warn_or_record(message + '\nskip_missing=True: these '
                               'samples are left out.',
                               skipped_by_config=True)

        lengths, stamps = {}, {}
        for path in per_file:
            if path not in self.missing:
                with per_item(path):
                    lengths[path] = self._check_file(path, stamps)
        data_list = []
        for sample in coco['samples']:
            path = osp.join(hdf5_dir, f'{sample["sensor_id"]}.h5')
            if path not in lengths:
                continue  # missing, or unreadable in a validation pass
            with per_item(f'{self.ann_file}: image {sample["image_id"]!r}'):
                data_list.append(self._checked_sample(sample, path,
                                                      lengths[path]))
        check_keyframe_times(self.ann_file, data_list, stamps,
                             self.on_implausible)
        rates = [frame_rate(t) for t in stamps.values()]
        rates = [r for r in rates if r]
        if rates:
            # saved in checkpoints: inference refuses another frame rate
            self._metainfo['sensor_fps'] = round(float(np.median(rates)), 3)
        # after the per-image width / height checks, which name the image
        sizes = {shape[1:]: path for path, shape in lengths.items()}
        if len(sizes) == 1:
            # saved in checkpoints (dataset_meta): inference refuses
            # recordings of another frame size
            self._metainfo['frame_shape'] = tuple(next(iter(sizes)))
        elif len(sizes) > 1:
            # the pipeline resizes each to the model's input: one of them
            # stored (N, W, H), or recordings of two sensors
            implausible(
                f'{self.ann_file}: the recordings of dataset "frames" differ '
                f'in frame size (H x W): ' + ', '.join(
                    f'{h} x {w} ({path})' for (h, w), path in sorted(
                        sizes.items())) + '; store every recording '
                '(N, H, W) from one sensor', self.on_implausible)
        if not data_list:
            raise ValueError(f'{self.ann_file}: no sample left (every '
                             f'sensor file is missing?)')
        if self.in_memory:
            self._read_into_memory(lengths)
        return data_list

    def _read_into_memory(self, paths) -> None:
        """Every frame of the recordings ``paths``, checked (finite, in
        degrees Celsius) and rendered once (``in_memory=True``)."""
        for path in paths:
            self._memory[path] = read_rendered_recording(
                path, self.temp_range, self.on_implausible)[0]

    def _checked_sample(self, sample: dict, path: str,
                        shape: Tuple[int, int, int]) -> dict:
        """``sample`` as a data-list entry, checked against its file."""
        num_frames, height, width = shape
        if sample['frame_idx'] >= num_frames:
            raise ValueError(
                f'{self.ann_file}: image {sample["image_id"]!r} field '
                f'"frame_idx" = {sample["frame_idx"]} is past the end '
                f'of {path} ({num_frames} frames)')
        for field, size in (('height', height), ('width', width)):
            if sample[field] is not None and sample[field] != size:
                raise ValueError(
                    f'{self.ann_file}: image {sample["image_id"]!r} '
                    f'field "{field}" = {sample[field]} but the frames '
                    f'of {path} have {field} {size}')
        return dict(sample, filename=path, num_file_frames=num_frames)

    def _samples_inside(self, samples: List[dict],
                        hdf5_dir: str) -> List[dict]:
        """``samples`` whose ``sensor_id`` names a file inside the frames
        folder; one that leaves it is an error naming the image (recorded,
        and its samples left out, in a validation pass)."""
        outside = set()
        for sample in samples:
            sensor = sample['sensor_id']
            if sensor in outside:
                continue
            try:
                check_inside_root(
                    f'{sensor}.h5',
                    f'{self.ann_file}: image {sample["image_id"]!r}',
                    'sensor_id', hdf5_dir)
            except ValueError as err:
                if not record_error(str(err)):
                    raise
                outside.add(sensor)
        return [s for s in samples if s['sensor_id'] not in outside]

    def _check_file(self, path: str, stamps: Optional[dict] = None
                    ) -> Tuple[int, int, int]:
        """(frames, height, width) of a recording; errors name the field.
        Its first frames (one chunk of the real files) are checked for
        temperatures in another unit; its ``timestamps`` (one integer per
        frame), where it has them, go into ``stamps[path]``.

        Opens and closes the file: no handle outlives this call, so none
        is inherited by forked dataloader workers.
        """
        import h5py
        try:
            with h5py.File(path, 'r') as f:
                shape = frames_layout(path, f)
                times = recording_timestamps(f, shape[0])
                if stamps is not None and times is not None:
                    stamps[path] = times
                if self.in_memory:  # all frames are checked when read
                    return shape
                end = min(shape[0], CHECKED_FRAMES)
                dtype = f['frames'].dtype
                try:
                    first = np.asarray(f['frames'][:end], dtype=np.float32)
                except OSError as e:  # h5py's own message names no file
                    raise ValueError(
                        f'{path}: dataset "frames" cannot be read at frames '
                        f'0:{end} (corrupt file? {e})') from e
        except OSError as e:
            raise OSError(f'{path}: cannot be read as HDF5 ({e})') from e
        check_temperatures(f'{path} (frames 0:{end})', first,
                           self.temp_range, self.on_implausible, dtype)
        return shape

    def get_cat_ids(self, idx: int) -> List[int]:
        """The label of sample ``idx`` (for class-aware samplers)."""
        return [int(self.get_data_info(idx)['label'])]

    @property
    def labels(self) -> np.ndarray:
        """Labels of all samples, in order."""
        return np.array([self.get_cat_ids(i)[0] for i in range(len(self))],
                        dtype=np.int64)

    # ------------------------------------------------------------ frames
    def _frames(self, path: str):
        """The open ``frames`` dataset of a recording (this process's).

        The dataset object is kept, not only the file: h5py's chunk cache
        belongs to the open dataset and goes with it.
        """
        import h5py
        pid = os.getpid()
        if self._handles_pid != pid:
            # handles inherited through a fork belong to the parent process
            self._handles, self._datasets = {}, {}
            self._handles_pid = pid
        frames = self._datasets.get(path)
        if frames is None:
            handle = self._handles[path] = h5py.File(
                path, 'r', rdcc_nbytes=int(self.chunk_cache_mb * 2**20))
            frames = self._datasets[path] = handle['frames']
        return frames

    def load_clip(self, info: dict) -> np.ndarray:
        """The uint8 (clip_len, H, W, 3) clip of a sample.

        Args:
            info (dict): A data-list entry (``filename``, ``frame_idx``,
                ``num_file_frames``).
        """
        start, end, lo, hi = clip_bounds(info['frame_idx'], self.clip_len,
                                         info['num_file_frames'])
        recording = self._memory.get(info['filename'])
        if recording is not None:
            # a copy: the pipeline may change its frames in place
            clip = recording[lo:hi].copy()
        else:
            path = info['filename']
            try:
                frames = np.asarray(self._frames(path)[lo:hi],
                                    dtype=np.float32)
            except OSError as e:  # h5py's own message names no file
                raise OSError(f'{path}: dataset "frames" cannot be read at '
                              f'frames {lo}:{hi} (corrupt file? {e})') from e
            clip = render_clip(path, frames, lo, self.temp_range)
        # where the window runs past the recording: its edge frames repeated
        return pad_clip(clip, start, end, lo, hi)

    def prepare_data(self, idx: int) -> dict:
        info = self.get_data_info(idx)
        info.update(clip_results(self.load_clip(info)))
        return self.pipeline(info)

    # ------------------------------------------------------------ handles
    def close(self) -> None:
        """Close the HDF5 files this process opened."""
        if self._handles_pid == os.getpid():
            for handle in self._handles.values():
                handle.close()
        self._handles, self._datasets = {}, {}

    def __getstate__(self) -> dict:
        # spawned workers and deep copies open their own handles
        state = self.__dict__.copy()
        state['_handles'] = {}
        state['_datasets'] = {}
        state['_handles_pid'] = None
        return state
