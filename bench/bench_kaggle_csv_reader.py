"""Kaggle pose CSV parsing: ftplugin's reader vs the seed's per-frame loop.

Run by hand (not a test):

    python bench/bench_kaggle_csv_reader.py [--data-root ../shared/data/kaggle_fall]
        [--files 100]

The seed filtered the data frame once per frame and once per keypoint; it is
reproduced here only as the baseline of the ratio. Both parse the same files
in the same run; the script prints both times and their ratio.
"""
import argparse
import glob
import os.path as osp
import time

import numpy as np
import pandas as pd

from ftplugin.datasets import KagglePoseDataset
from ftplugin.datasets.transforms.pose_utils import COCO17_JOINTS


def per_frame_loop(path: str) -> np.ndarray:
    """The seed's way: one boolean filter per frame and per keypoint."""
    table = pd.read_csv(path)
    frames = sorted(table['Frame'].unique())
    poses = np.zeros((len(frames), 17, 2), np.float32)
    for f, frame in enumerate(frames):
        rows = table[table['Frame'] == frame]
        for j, name in enumerate(COCO17_JOINTS):
            hit = rows[rows['Keypoint'] == name]
            if not hit.empty:
                poses[f, j] = hit[['X', 'Y']].to_numpy()[0]
    return poses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root',
                        default=osp.join('..', 'shared', 'data',
                                         'kaggle_fall'))
    parser.add_argument('--files', type=int, default=100)
    args = parser.parse_args()
    paths = sorted(glob.glob(osp.join(args.data_root, '*', 'Keypoints_CSV',
                                      '*.csv')))[:args.files]
    if not paths:
        raise SystemExit(f'no CSV files under {args.data_root}')
    # read_file needs no split state: skip BaseDataset's loading entirely
    reader = KagglePoseDataset.__new__(KagglePoseDataset)
    reader.min_keypoint_score = 0.0

    start = time.perf_counter()
    ours = [reader.read_file(p) for p in paths]
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    seed = [per_frame_loop(p) for p in paths]
    t_seed = time.perf_counter() - start
    frames = sum(len(p) for p, _ in ours)
    assert frames == sum(len(s) for s in seed), 'readers disagree on frames'
    print(f'{len(paths)} files, {frames} frames')
    print(f'ftplugin reader : {t_ours:7.2f} s')
    print(f'per-frame loop  : {t_seed:7.2f} s')
    print(f'speed-up        : {t_seed / t_ours:7.1f} x')


if __name__ == '__main__':
    main()
