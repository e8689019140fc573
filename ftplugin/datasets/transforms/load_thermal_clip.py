from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..formats.thermal_hdf5 import (check_recording, clip_bounds,
                                    clip_results, pad_clip, render_clip)


@TRANSFORMS.register_module()
class LoadThermalClip(BaseTransform):
    """Read the clip around ``frame_idx`` of a thermal recording
    (``filename``, an ``.h5``), as :class:`ThermalHDF5Dataset` cuts it, so
    that a test pipeline starts from a file (mmaction2's
    ``inference_recognizer(model, dict(filename='x.h5', frame_idx=300))``).

    A recording holds many windows, so a bare file name is refused: its
    sliding windows are what ``ftplugin.apis.inference`` scores.
    ``ftplugin.apis.init_model`` builds the transform from the config's test
    dataset.

    Args:
        clip_len (int): Frames per clip. Defaults to 64.
        temp_range (Sequence[float]): Degrees mapped to 0 and 255. Defaults
            to (5.0, 45.0).
    """

    def __init__(self, clip_len: int = 64,
                 temp_range: Sequence[float] = (5.0, 45.0)) -> None:
        self.clip_len = clip_len
        self.temp_range = tuple(temp_range)

    def transform(self, results: Dict) -> Dict:
        import h5py
        path = results['filename']
        if 'frame_idx' not in results:
            raise ValueError(
                f'{path}: a thermal recording holds many windows: pass '
                f'dict(filename=..., frame_idx=N) for the clip around frame '
                f'N, or score its sliding windows with '
                f'ftplugin.apis.inference / tools/infer.py')
        num_frames = check_recording(path)[0]
        start, end, lo, hi = clip_bounds(int(results['frame_idx']),
                                         self.clip_len, num_frames)
        with h5py.File(path, 'r') as f:
            frames = np.asarray(f['frames'][lo:hi], dtype=np.float32)
        clip = pad_clip(render_clip(path, frames, lo, self.temp_range),
                        start, end, lo, hi)
        results.update(clip_results(clip))
        # as ThermalHDF5Dataset's samples (mmaction2's BaseActionDataset)
        results.setdefault('modality', 'RGB')
        results.setdefault('start_index', 0)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(clip_len={self.clip_len})'
