"""Thermal windows per second: ThermalHDF5Dataset + pipeline vs raw h5py.

    python bench/bench_thermal_loader.py [--windows 192] [--rounds 3]

ftplugin's side: the CPU config's training dataset (``ThermalHDF5Dataset``
and its pipeline: SampleFrames, ArrayDecode, resize, crop, flip, jitter,
erasing, FormatShape) through mmengine's dataloader and the model's data
preprocessor, up to the float batch tensor. The raw side: ``h5py`` slice
reads of the same 64-frame windows (``frames[start:end]``) from files kept
open, stacked into a tensor. 0 workers: both in this process; 2 workers:
both through a ``torch.utils.data.DataLoader`` with 2 persistent workers.
The in-memory rows run ftplugin's side with ``in_memory=True`` against the
raw reads with 0 workers: its windows alone (uint8 clips, batched) and
through the pipeline (whose augmentations then set the pace). Passes
alternate; the first is a warm-up (it fills the HDF5 chunk caches).
"""
import argparse
import copy
import os.path as osp
import sys

import numpy as np
import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from common import (REPO, data_source, interleaved, load_average,  # noqa
                    ratio_of, record, set_threads, thermal_root)

CONFIG = 'configs/thermal/slowonly_r18_thermal_20e.py'


class RawWindows(torch.utils.data.Dataset):
    """The dataset's windows read straight with h5py (files kept open)."""

    def __init__(self, infos, clip_len):
        self.windows = []
        for info in infos:
            start = info['frame_idx'] - clip_len // 2
            self.windows.append(
                (info['filename'], max(start, 0),
                 min(start + clip_len, info['num_file_frames'])))
        self.files = {}

    def close(self):
        for f in self.files.values():
            f.close()
        self.files = {}

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        import h5py
        path, lo, hi = self.windows[i]
        f = self.files.get(path)
        if f is None:
            f = self.files[path] = h5py.File(path, 'r')
        return torch.from_numpy(np.asarray(f['frames'][lo:hi]))


def _stack(items):
    # windows at a recording's edge are shorter: pad like the dataset does
    n = max(len(x) for x in items)
    return torch.stack([torch.nn.functional.pad(x, (0, 0, 0, 0, 0,
                                                    n - len(x)))
                        for x in items])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--windows', type=int, default=192)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    set_threads(1)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    from mmaction.registry import MODELS
    import ftplugin  # noqa: F401
    init_default_scope('mmaction')
    cfg = Config.fromfile(osp.join(REPO, CONFIG))
    root = thermal_root()
    dl = cfg.train_dataloader
    dl.dataset.data_root = root
    dl.dataset.indices = args.windows
    dl.batch_size = 16
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    print(f'load: {load_average()}; {args.windows} windows, '
          f'{data_source(root)}')

    cases = [(0, False, True), (2, False, True), (0, True, False),
             (0, True, True)]
    for workers, in_memory, pipeline in cases:
        loader_cfg = copy.deepcopy(dl)
        loader_cfg.num_workers = workers
        loader_cfg.persistent_workers = workers > 0
        loader_cfg.dataset.in_memory = in_memory
        ours = Runner.build_dataloader(loader_cfg, seed=0)
        dataset = ours.dataset
        raw_set = RawWindows([dataset.get_data_info(i)
                              for i in range(len(dataset))],
                             dataset.clip_len)
        raw = torch.utils.data.DataLoader(
            raw_set, batch_size=16, num_workers=workers,
            persistent_workers=workers > 0, collate_fn=_stack)

        def run_ours():
            if pipeline:
                for batch in ours:
                    preprocessor(batch, True)['inputs'].shape
            else:  # the windows only, as uint8 clips, batched
                for start in range(0, len(dataset), 16):
                    torch.from_numpy(np.stack([
                        dataset.load_clip(dataset.get_data_info(i))
                        for i in range(start, min(start + 16,
                                                  len(dataset)))]))

        def run_raw():
            # HDF5 shares an object opened twice in one process, chunk cache
            # included: neither side may read through the other's handles
            dataset.close()
            for batch in raw:
                batch.float().shape
            raw_set.close()

        times = interleaved(dict(ours=run_ours, raw=run_raw), args.rounds)
        # windows/s ratio = raw time / our time
        ratio, per_round = ratio_of(times['raw'], times['ours'])
        n = len(dataset)
        what = (('in-memory' if in_memory else 'HDF5') + ' dataset' +
                (' + pipeline' if pipeline else ' windows (no pipeline)'))
        target = ('>= 0.8' if not in_memory else
                  '>= 10' if not pipeline else '')
        record('thermal loader',
               f'thermal windows/s, {what} / raw h5py, {workers} workers',
               ratio, target,
               f'{n * args.rounds / sum(times["ours"]):.0f} vs '
               f'{n * args.rounds / sum(times["raw"]):.0f} windows/s',
               per_round)


if __name__ == '__main__':
    main()
