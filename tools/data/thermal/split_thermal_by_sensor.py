"""Split thermal annotations so that no sensor is on both sides.

    python tools/data/thermal/split_thermal_by_sensor.py ANN_FILE \
        [ANN_FILE ...] --out-dir DIR [--val-fraction 0.2] [--seed 0] \
        [--group-by sensor|location] [--frames-dir FRAMES] [--trials 4000]

Pools the annotation files and puts whole sensors (``--group-by sensor``) or
whole places (``location``: ``SL14_R1`` ... ``SL14_R9`` -> ``SL14``) on one
side, stratified as far as the classes allow; with ``--frames-dir`` only
groups whose HDF5 files all exist are split. Writes ``DIR/train.json``,
``DIR/val.json`` and ``DIR/split_report.json``; the method is described in
``ftplugin.datasets.converters.thermal_sensor_split``.
"""
import argparse
import sys

from ftplugin.datasets.converters.thermal_sensor_split import (
    GROUPINGS, split_by_sensor)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_files', nargs='+',
                        help='annotation files to pool (e.g. train.json '
                        'val.json)')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--val-fraction', type=float, default=0.2)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--group-by', choices=GROUPINGS, default='sensor')
    parser.add_argument('--frames-dir',
                        help='split only sensors whose <sensor_id>.h5 is '
                        'here')
    parser.add_argument('--class-mapping', help='class_mapping.json')
    parser.add_argument('--trials', type=int, default=4000)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        report = split_by_sensor(
            args.ann_files, args.out_dir, args.val_fraction, args.seed,
            args.group_by, args.frames_dir, args.class_mapping, args.trials)
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f'error: {e}')
    left_out = report['left_out_groups']
    if left_out:
        print('left out (sensor files missing): ' + ', '.join(
            f'{g} ({", ".join(m)})' for g, m in sorted(left_out.items())))
    print(f'{report["num_groups"]} {args.group_by} groups: '
          f'{report["samples"]["train"]} train / {report["samples"]["val"]}'
          f' val samples; val groups: {", ".join(report["val_groups"])}')
    for key in ('classes_without_train', 'classes_without_val',
                'classes_in_one_group'):
        if report[key]:
            print(f'{key.replace("_", " ")}: {", ".join(report[key])}')
    print(f'written to {args.out_dir}/{{train,val,split_report}}.json')


if __name__ == '__main__':
    main()
