"""Print what a config's staged fine-tuning will train, without training.

    python tools/analysis/print_schedule.py CONFIG [--max-epochs N] \
        [--json out.json] [--cfg-options k=v ...]

For each stage: when it begins, which parameter groups train (the model's
depth groups), how many parameters, their lr at the stage's start (the
optimizer's per-group lr, layer-wise decay and the stage's ``lr_mult``
included; before schedulers) and what ends the stage (an epoch, a plateau
of the monitored metric, a per-stage cap). ``--max-epochs`` previews a
shorter or longer run (fractions of the run are resolved for it, schedulers
scaled as the runner would). Builds the model, the optimizer and the hook
as the runner does, and applies each stage with the hook's own code; reads
no data and no checkpoint.
"""
import argparse
import sys

from mmengine.config import DictAction

import ftplugin  # noqa: F401  (registers the hooks and constructors)
from ftplugin.utils import load_config
from ftplugin.utils.atomic_io import atomic_write_json
from ftplugin.engine.stages.schedule_report import (format_report,
                                                    schedule_report)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--max-epochs', type=int,
                        help='preview a run of this many epochs')
    parser.add_argument('--json', help='also write the report as JSON here')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, as in train.py')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    report = schedule_report(cfg, args.max_epochs)
    print(format_report(report, args.config))
    if args.json:
        atomic_write_json(args.json, report, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
