"""Check a config's datasets without training.

    python tools/validate_data.py CONFIG [--split train|val|test|all]
        [--data-root DIR] [--cfg-options k=v ...]

Builds the config's datasets and checks every sample with the same checks
the datasets run while training (files missing, unreadable or truncated;
missing fields, wrong shapes, dtypes or axes; NaN/Inf; labels out of range or
of the wrong type; ids that point nowhere; windows past a recording's end;
empty splits and classes). Prints every problem (file, index, field, what was
expected) and a summary per split; exits 1 if there is any problem.
"""
import argparse
import sys

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.apis.data_validation import (SPLITS, format_reports,
                                        validate_config)
from ftplugin.utils import set_data_root


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Check a config\'s data')
    parser.add_argument('config', help='config file')
    parser.add_argument('--split', choices=SPLITS + ('all', ), default='all',
                        help='which split to check (default: all)')
    parser.add_argument('--data-root', help='data root of every dataloader')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    splits = SPLITS if args.split == 'all' else (args.split, )
    if args.data_root:
        set_data_root(cfg, args.data_root)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    reports = validate_config(cfg, splits)
    print(format_reports(reports))
    return 1 if any(r.problems for r in reports) else 0


if __name__ == '__main__':
    sys.exit(main())
