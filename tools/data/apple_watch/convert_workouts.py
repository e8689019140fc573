"""Convert FIT, TCX and GPX workouts with heart rate into the .pt format.

    python tools/data/apple_watch/convert_workouts.py INPUT [INPUT ...]
        --out-dir DIR [--step-seconds 10] [--seq-len 500] [--max-gap 60]
        [--scaler-params PRETRAIN/scaler_params.json] [--user-id 0]
        [--gender 1] [--fill-missing-altitude] [--skip-bad]

INPUT: workout files or folders (searched recursively for *.fit, *.tcx,
*.gpx). Reading them needs the parsers of requirements/optional.txt
(fitdecode, tcxreader, gpxpy): ``pip install -r requirements/optional.txt``.

Each workout is resampled onto a uniform time grid of ``--step-seconds``
(pauses longer than ``--max-gap`` seconds become one step), cut to or padded
up to ``--seq-len`` steps, split by start date 70/15/15 and z-scored with the
training split's statistics (or those of ``--scaler-params``). The details
are in ``ftplugin.datasets.converters.workouts``; ``workouts.json`` lists
every file with its start, split and length.

A file that cannot be used stops the conversion with an error naming the file
and the field; ``--skip-bad`` reports and skips it instead.
"""
import argparse
import sys

from ftplugin.datasets.formats.workout_files import WorkoutError
from ftplugin.datasets.converters.workouts import convert


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[1:]))
    parser.add_argument('inputs', nargs='+', help='files or folders')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--step-seconds', type=float, default=10.0)
    parser.add_argument('--seq-len', type=int, default=500)
    parser.add_argument('--max-gap', type=float, default=60.0,
                        help='longer pauses (s) are shortened to one step')
    parser.add_argument('--min-points', type=int, default=10,
                        help='fewest heart-rate samples of a usable file')
    parser.add_argument('--scaler-params',
                        help='z-score with this scaler_params.json instead '
                        'of fitting on the training split')
    parser.add_argument('--user-id', type=int, default=0)
    parser.add_argument('--gender', type=float,
                        help='1 = male, 0 = female (stored as gender)')
    parser.add_argument('--fill-missing-altitude', action='store_true')
    parser.add_argument('--skip-bad', action='store_true',
                        help='skip unusable files instead of stopping')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        convert(args.inputs, args.out_dir, args.step_seconds, args.seq_len,
                args.max_gap, args.min_points, args.scaler_params,
                args.user_id, args.gender, args.fill_missing_altitude,
                args.skip_bad)
    except WorkoutError as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
