"""Generate synthetic pose sequences in the KTH-pose and Kaggle-fall formats.

Writes ``<out-dir>/kth_poses/<video_id>.npz`` (OpenPose-18, 160x120, 25 fps)
and ``<out-dir>/kaggle_fall/{Fall,No_Fall}/Keypoints_CSV/<name>_keypoints.csv``
(COCO-17, 1920x1080, 30 fps); see ``ftplugin.testing.synthetic.kaggle_pose``.

Example::

    python tools/data/kaggle_pose/generate_pose_data.py --out-dir data/pose
"""
import argparse
import os.path as osp
import time

import numpy as np

from ftplugin.testing.synthetic.kaggle_pose import (generate_kaggle,
                                                     generate_kth)


def parse_args(argv=None):
    """Parse command-line arguments.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.
    """
    parser = argparse.ArgumentParser(
        description='Generate synthetic KTH-pose and Kaggle-fall data.')
    parser.add_argument('--out-dir', required=True, help='output directory')
    parser.add_argument(
        '--kth-videos', type=int, default=60, help='number of KTH .npz files')
    parser.add_argument(
        '--kaggle-per-class',
        type=int,
        default=100,
        help='number of Kaggle CSVs per class')
    parser.add_argument(
        '--header-only',
        type=int,
        default=2,
        help='number of header-only Kaggle CSVs in total')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    args = parser.parse_args(argv)
    for name in ('kth_videos', 'kaggle_per_class', 'header_only'):
        if getattr(args, name) < 0:
            parser.error(f'--{name.replace("_", "-")} must be >= 0')
    return args


def main(argv=None):
    """Generate both data sets from the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.
    """
    args = parse_args(argv)
    # Separate streams so one data set does not change with the other's size.
    kth_seed, kaggle_seed = np.random.SeedSequence(args.seed).spawn(2)
    start = time.perf_counter()
    kth = generate_kth(args.out_dir, args.kth_videos,
                       np.random.default_rng(kth_seed))
    kaggle = generate_kaggle(args.out_dir, args.kaggle_per_class,
                             args.header_only,
                             np.random.default_rng(kaggle_seed))
    print(f'\nWrote {len(kth)} KTH pose files to '
          f'{osp.join(args.out_dir, "kth_poses")} and {len(kaggle)} Kaggle '
          f'CSV files to {osp.join(args.out_dir, "kaggle_fall")} in '
          f'{time.perf_counter() - start:.1f}s')


if __name__ == '__main__':
    main()
