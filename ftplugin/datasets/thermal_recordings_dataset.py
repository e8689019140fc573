import os.path as osp
from typing import Callable, List, Optional, Sequence, Union

import numpy as np
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from .formats.checks import (check_inside_root, load_json, per_item,
                             warn_or_record)
from .thermal_hdf5_dataset import ThermalHDF5Dataset


def read_recording_list(path: str) -> List[str]:
    """The recordings (sensor ids or ``.h5`` names) a split file names.

    Args:
        path (str): A COCO-style thermal annotation file (``.json``: the
            ``sensor_id`` of its ``images[]``, e.g. the ``train.json`` that
            ``split_thermal_by_sensor.py`` writes) or a text file (one
            sensor id or ``.h5`` file per line; ``#`` starts a comment).

    Returns:
        list[str]: The names, in first-seen order, without repeats.
    """
    if path.endswith('.json'):
        data = load_json(path, 'thermal annotation file')
        images = data.get('images') if isinstance(data, dict) else None
        if not isinstance(images, list):
            raise ValueError(f'{path}: field "images" must be a list of '
                             f'images with a "sensor_id"')
        names = []
        for i, image in enumerate(images):
            if not isinstance(image, dict) or not isinstance(
                    image.get('sensor_id'), str):
                raise ValueError(f'{path}: images[{i}] has no string field '
                                 f'"sensor_id"')
            names.append(image['sensor_id'])
    else:
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: recording list not found')
        with open(path) as f:
            names = [line.split('#', 1)[0].strip() for line in f]
        names = [n for n in names if n]
    if not names:
        raise ValueError(f'{path}: names no recording')
    return list(dict.fromkeys(names))


@DATASETS.register_module()
class ThermalRecordingsDataset(ThermalHDF5Dataset):
    """Unlabelled clips from every frame range of thermal recordings, for
    self-supervised pretraining.

    The recordings are the ``<sensor_id>.h5`` files of
    :class:`ThermalHDF5Dataset` (``frames`` float32 (N, H, W) in degrees
    Celsius), named by ``recordings`` or by a split file; no annotation is
    read. Each recording is cut into ``clip_len``-frame windows starting
    every ``stride`` frames, the last one ending at the recording's end, so
    every frame is in some clip. In training (``random_shift``) each window
    is moved by a random ``[0, stride)`` frames per sample (within the
    recording), so over the epochs every start position is drawn. A sample
    is what :class:`ThermalHDF5Dataset` gives without the label: ``imgs`` /
    ``array`` uint8 (clip_len, H, W, 3), the same pixels, so the same
    pipelines apply; ``sensor_id`` and ``clip_start`` say where it is from.

    Only the named recordings are ever opened: recordings of the held-out
    side must not be given. ``held_out`` makes that a check: a recording
    also named there is an error.

    Args:
        recordings (Sequence[str], optional): Sensor ids (``SL14_R1``) or
            ``.h5`` file names, relative to ``data_prefix['hdf5']``.
        split_file (str, optional): Instead of ``recordings``: an
            annotation ``.json`` whose images' ``sensor_id`` are the
            recordings (the training side of a split, e.g.
            ``split_thermal_by_sensor.py``'s ``train.json``) or a text
            file listing them (relative to ``data_root``).
        held_out (Sequence[str]): Split files (as ``split_file``) of
            recordings that must not be used, e.g. the validation and test
            annotations. Defaults to ().
        clip_len (int): Frames per clip. Defaults to 64.
        stride (int): Frames between the starts of consecutive clips.
            Defaults to 16.
        random_shift (bool): Shift each training clip by a random
            ``[0, stride)`` frames. Ignored in ``test_mode``. Defaults to
            True.
        skip_missing (bool): Named recordings whose file is absent: False
            raises an error naming them; True leaves them out with one
            warning. Defaults to False.
        data_prefix, temp_range, in_memory, chunk_cache_mb, pipeline,
        test_mode, **kwargs: As :class:`ThermalHDF5Dataset`.
    """

    def __init__(self,
                 recordings: Optional[Sequence[str]] = None,
                 split_file: Optional[str] = None,
                 held_out: Sequence[str] = (),
                 clip_len: int = 64,
                 stride: int = 16,
                 random_shift: bool = True,
                 pipeline: List[Union[dict, Callable]] = (),
                 **kwargs) -> None:
        if (recordings is None) == (split_file is None):
            raise ValueError('ThermalRecordingsDataset: give exactly one of '
                             'recordings=[...] and split_file=PATH, got '
                             f'recordings={recordings!r}, '
                             f'split_file={split_file!r}')
        if stride < 1:
            raise ValueError(f'stride must be >= 1, got {stride}')
        if isinstance(held_out, str):
            held_out = [held_out]
        self.recordings = None if recordings is None else list(recordings)
        self.split_file = split_file
        self.held_out = list(held_out)
        self.stride = int(stride)
        self.random_shift = random_shift
        super().__init__(ann_file='', pipeline=pipeline, clip_len=clip_len,
                         **kwargs)

    def _resolve(self, path: str) -> str:
        if not osp.isabs(path) and self.data_root:
            return osp.join(self.data_root, path)
        return path

    @staticmethod
    def _sensor_id(name: str) -> str:
        return osp.splitext(osp.basename(name))[0]

    def _recording_names(self) -> List[str]:
        if self.recordings is not None:
            if not self.recordings:
                raise ValueError('ThermalRecordingsDataset: recordings=[] '
                                 'names no recording')
            names = list(dict.fromkeys(self.recordings))
            source = 'recordings'
        else:
            source = self._resolve(self.split_file)
            names = read_recording_list(source)
        forbidden = {}
        for split in self.held_out:
            for name in read_recording_list(self._resolve(split)):
                forbidden.setdefault(self._sensor_id(name), split)
        leaked = [n for n in names if self._sensor_id(n) in forbidden]
        if leaked:
            raise ValueError(
                f'{source}: recording(s) ' + ', '.join(
                    f'{n} (held out by {forbidden[self._sensor_id(n)]})'
                    for n in leaked) +
                ' are also on the held-out side; pretrain on the training '
                'side only (e.g. split_file=<split dir>/train.json of '
                'split_thermal_by_sensor.py)')
        return names

    def load_data_list(self) -> List[dict]:
        """One entry per clip of every named recording."""
        hdf5_dir = self.data_prefix.get('hdf5')
        if not hdf5_dir or not osp.isdir(hdf5_dir):
            raise FileNotFoundError(
                f'ThermalRecordingsDataset: frames folder '
                f'data_prefix["hdf5"] = {hdf5_dir!r} does not exist')
        paths = []
        for name in self._recording_names():
            file = name if name.endswith('.h5') else f'{name}.h5'
            check_inside_root(file, self.split_file or 'recordings',
                              'recording', hdf5_dir)
            paths.append(osp.join(hdf5_dir, file))
        self.missing = {p: 0 for p in paths if not osp.isfile(p)}
        if self.missing:
            message = (f'ThermalRecordingsDataset: {len(self.missing)} of '
                       f'{len(paths)} recording file(s) are missing: ' +
                       ', '.join(self.missing))
            if not self.skip_missing:
                raise FileNotFoundError(
                    message + '\nPass skip_missing=True to leave them out.')
            warn_or_record(message + '\nskip_missing=True: left out.',
                           skipped_by_config=True)
        data_list = []
        for path in paths:
            if path in self.missing:
                continue
            with per_item(path):
                num_frames = self._check_file(path)[0]
            for start in self.clip_starts(num_frames):
                data_list.append(dict(
                    filename=path, sensor_id=self._sensor_id(path),
                    clip_start=start, num_file_frames=num_frames,
                    frame_idx=start + self.clip_len // 2))
        if not data_list:
            raise ValueError('ThermalRecordingsDataset: no recording left '
                             '(every file is missing?)')
        used = list(dict.fromkeys(d['sensor_id'] for d in data_list))
        # what the pretraining reads, in the run's log: the check that no
        # held-out recording is among them
        print_log(f'ThermalRecordingsDataset: {len(data_list)} clips of '
                  f'{len(used)} recording(s): {", ".join(used)}',
                  logger='current')
        if self.in_memory:
            self._read_into_memory(
                dict.fromkeys(d['filename'] for d in data_list))
        return data_list

    def clip_starts(self, num_frames: int) -> List[int]:
        """First frames of the clips of a ``num_frames``-frame recording:
        every ``stride``, the last clip ending at the last frame (one clip,
        edge-padded, when the recording is shorter than a clip)."""
        last = max(num_frames - self.clip_len, 0)
        starts = list(range(0, last + 1, self.stride))
        if starts[-1] != last:
            starts.append(last)
        return starts

    def get_cat_ids(self, idx: int) -> List[int]:
        raise TypeError('ThermalRecordingsDataset is unlabelled: a '
                        'class-aware sampler cannot use it')

    def load_clip(self, info: dict) -> np.ndarray:
        """The clip of a data-list entry; in training moved by a random
        ``[0, stride)`` frames (``info``, a copy, is updated to match)."""
        if self.random_shift and not self.test_mode and self.stride > 1:
            last = max(info['num_file_frames'] - self.clip_len, 0)
            start = min(info['clip_start'] + np.random.randint(self.stride),
                        last)
            info.update(clip_start=start,
                        frame_idx=start + self.clip_len // 2)
        return super().load_clip(info)
