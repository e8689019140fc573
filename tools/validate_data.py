"""Check a config's datasets without training.

    python tools/validate_data.py CONFIG [--split train|val|test|all]
        [--data-root DIR] [--strict] [--cfg-options k=v ...]

Builds the config's datasets and checks every sample with the same checks
the datasets run while training (files missing, unreadable or truncated;
missing fields, wrong shapes, dtypes or axes; NaN/Inf; labels out of range or
of the wrong type; ids that point nowhere; windows past a recording's end;
empty splits and classes; values in implausible units or layouts; paths
that leave the data folder; files that look like data but are not read).
Prints every problem on a line of its own, as an error (training would stop)
or a warning (training goes on: a skipped file, a class without samples in
a split, a value accepted with ``on_implausible='warn'``), then a summary
per split and the count of each (the progress bar goes to stderr). Exits 1
if there is an error; with ``--strict``, if there is a warning too.
"""
import argparse
import sys

from mmengine.config import DictAction
from mmengine.registry import init_default_scope

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.apis.data_validation import (SPLITS, exit_code,
                                           format_reports, validate_config)
from ftplugin.utils import load_config


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Check a config\'s data')
    parser.add_argument('config', help='config file')
    parser.add_argument('--split', choices=SPLITS + ('all', ), default='all',
                        help='which split to check (default: all)')
    parser.add_argument('--data-root', help='data root of every dataloader')
    parser.add_argument('--strict', action='store_true',
                        help='exit 1 on warnings too (skipped files, '
                        'classes without samples, accepted implausible '
                        'values)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options, args.data_root)
    splits = SPLITS if args.split == 'all' else (args.split, )
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    reports = validate_config(cfg, splits)
    print(format_reports(reports))
    return exit_code(reports, args.strict)


if __name__ == '__main__':
    sys.exit(main())
