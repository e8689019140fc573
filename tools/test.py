"""Test a checkpoint with an ftplugin (or any mmaction2) config.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--data-root DIR]
        [--dump out.pkl] [--cfg-options k=v ...] [--launcher
        none|pytorch|slurm|mpi]

``--dump`` writes the per-sample predictions (a list of dicts with
``pred_score``, ``pred_label``, ``gt_label``, ...; for the ``ava_custom``
detector one per keyframe with ``pred_instances.bboxes`` / ``.scores``) as a
pickle, and a frame-mAP evaluator also writes AlphAction's predictions CSV
beside it (``out.csv``); the metrics go to ``<work_dir>/test_metrics.json``
(and a confusion-matrix PNG).
"""
import argparse
import os.path as osp

from mmengine.config import Config

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.apis.inference import checkpoint_meta
from ftplugin.apis.trained_inputs import check_trained_inputs
from ftplugin.utils import (add_runner_args, build_runner, run_main,
                            set_data_root, set_work_dir)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--dump', type=str,
        help='pickle file for the per-sample predictions (.pkl / .pickle)')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line flags to the config."""
    set_work_dir(cfg, args)
    if args.data_root is not None:
        set_data_root(cfg, args.data_root)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must be a .pkl or .pickle file')
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, (list, tuple)):
            evaluators = [evaluators]
        for evaluator in evaluators:
            if (evaluator.get('type') == 'FrameMAPMetric'
                    and not evaluator.get('csv_file')):
                evaluator['csv_file'] = osp.splitext(args.dump)[0] + '.csv'
        cfg.test_evaluator = list(evaluators) + [
            dict(type='AtomicDumpResults', out_file_path=args.dump)]
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # the CHECKPOINT argument wins over any load_from in the options
    cfg.load_from = args.checkpoint
    cfg.resume = False
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    if osp.isfile(args.checkpoint):
        # the checkpoint is scored on inputs of the kind it learnt from
        check_trained_inputs(cfg, checkpoint_meta(args.checkpoint)[1],
                             args.checkpoint, args.config)
    runner = build_runner(cfg)
    runner.test()


if __name__ == '__main__':
    run_main(main)
