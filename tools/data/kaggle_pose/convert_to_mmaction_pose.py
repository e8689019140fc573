"""Kaggle fall CSVs (or KTH pose npz) -> an mmaction2 ``PoseDataset`` pickle.

    python tools/data/kaggle_pose/convert_to_mmaction_pose.py DATA_ROOT OUT.pkl
        [--format kaggle|kth] [--split-seed 42] [--min-keypoint-score 0]

One annotation per file (``frame_dir``, ``filename``, ``label``,
``total_frames``, ``keypoint`` (1, T, 17, 2) COCO-17 pixels,
``keypoint_score`` (1, T, 17)) and the splits ``train``/``val``/``test``
(the ftplugin datasets' stratified split) and ``all``, for mmaction2's own
``PoseDataset`` configs (``ann_file=OUT.pkl, split='train'``). ftplugin's
configs read the files directly instead (``output='skeleton'``).
"""
import argparse

from mmengine.registry import init_default_scope

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.datasets.formats.mmaction_pose_pickle import pose_dataset_pickle
from mmaction.registry import DATASETS

DATASET_OF = dict(kaggle='KagglePoseDataset', kth='KTHPoseDataset')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('data_root', help='dataset folder')
    parser.add_argument('out_file', help='PoseDataset pickle to write')
    parser.add_argument('--format', choices=sorted(DATASET_OF),
                        default='kaggle', help='layout of data_root')
    parser.add_argument('--split-seed', type=int, default=42)
    parser.add_argument('--split-ratios', type=float, nargs=3,
                        default=(0.7, 0.2, 0.1))
    parser.add_argument('--min-keypoint-score', type=float, default=0.0,
                        help='Kaggle joints below it get score 0')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    init_default_scope('mmaction')
    options = dict(type=DATASET_OF[args.format], data_root=args.data_root,
                   split='all', output='skeleton')
    if args.format == 'kaggle':
        options['min_keypoint_score'] = args.min_keypoint_score
    dataset = DATASETS.build(options)
    sizes = pose_dataset_pickle(dataset, args.out_file, args.split_ratios,
                                args.split_seed)
    print(f'Wrote {sizes["all"]} annotations to {args.out_file} '
          f'(files per split: {sizes})')


if __name__ == '__main__':
    main()
