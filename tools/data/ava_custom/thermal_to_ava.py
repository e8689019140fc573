"""Convert the thermal action dataset into the ``ava_custom`` layout.

    python tools/data/ava_custom/thermal_to_ava.py SRC OUT \
        [--train-json F --val-json F] [--fps 6] [--box-jitter 0] [--seed 0]

SRC is the thermal dataset (``frames/*.h5``, ``annotations/``); OUT gets
``clips/``, ``keyframes/``, ``annotations/{train,val}.json``,
``boxes/{train,val}_person_bbox.json`` and ``conversion_report.json``.
``--train-json/--val-json`` take another split of the same annotations
(e.g. from ``tools/data/thermal/split_thermal_by_sensor.py``). Missing
recordings are reported and skipped. The logic is
:func:`ftplugin.datasets.converters.thermal_to_ava.convert_thermal`.
"""
import argparse
import json
import os.path as osp
import sys

from ftplugin.datasets.converters.thermal_to_ava import convert_thermal


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='thermal_action_dataset folder')
    parser.add_argument('out', help='output data root')
    parser.add_argument('--train-json', help='train annotations (default '
                        'SRC/annotations/train.json)')
    parser.add_argument('--val-json', help='val annotations (default '
                        'SRC/annotations/val.json)')
    parser.add_argument('--fps', type=int, default=6)
    parser.add_argument('--box-jitter', type=float, default=0.0,
                        help='jitter the box-file boxes by up to this '
                        'fraction of their size (a detector-like box file)')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if bool(args.train_json) != bool(args.val_json):
        sys.exit('error: give both --train-json and --val-json, or neither')
    ann_files = (dict(train=args.train_json, val=args.val_json)
                 if args.train_json else None)
    try:
        report = convert_thermal(args.src, args.out, ann_files, args.fps,
                                 box_jitter=args.box_jitter, seed=args.seed)
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f'error: {e}')
    print(json.dumps(report['splits']))
    print(f'written to {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
