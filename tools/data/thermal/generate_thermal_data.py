"""Generate a small thermal action dataset in the real files' format.

Writes ``<out-dir>/frames/<sensor_id>.h5`` (+ ``sensor_info.json``),
``<out-dir>/annotations/{train,val,class_mapping}.json`` and
``<out-dir>/dataset_info.json``; what a recording looks like is described in
``ftplugin.testing.synthetic.thermal``.

Example::

    python tools/data/thermal/generate_thermal_data.py \
        --out-dir data/demo/thermal/thermal_action_dataset --seed 0
"""
import argparse

import numpy as np

from ftplugin.testing.synthetic.thermal import generate_thermal


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate a thermal action dataset in the real format')
    parser.add_argument('--out-dir', required=True,
                        help='dataset folder to write (frames/, '
                        'annotations/)')
    parser.add_argument('--sensors', type=int, default=8,
                        help='recordings (HDF5 files)')
    parser.add_argument('--frames', type=int, default=400,
                        help='frames per recording (+-10%%)')
    parser.add_argument('--keyframe-every', type=int, default=8,
                        help='frames between annotated keyframes')
    parser.add_argument('--val-fraction', type=float, default=0.2)
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    summary = generate_thermal(
        args.out_dir, args.sensors, args.frames, args.keyframe_every,
        args.val_fraction, np.random.default_rng(args.seed))
    print(f'\n{args.out_dir}: {summary["train"]} train and {summary["val"]} '
          f'val samples from {len(summary["sensors"])} recordings')


if __name__ == '__main__':
    main()
