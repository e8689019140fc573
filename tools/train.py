"""Train with an ftplugin (or any mmaction2) config; mmaction2's flags.

    python tools/train.py CONFIG [--work-dir DIR] [--data-root DIR]
        [--resume [CKPT]] [--amp] [--auto-scale-lr] [--seed N]
        [--deterministic] [--cfg-options k=v ...] [--launcher
        none|pytorch|slurm|mpi]
"""
import argparse

from mmengine.config import Config

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.utils import (add_runner_args, build_runner, run_main,
                            set_data_root, set_work_dir)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from CKPT, or without a value from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true',
        help='mixed precision: fp16 + loss scaling on GPU, bfloat16 on CPU')
    parser.add_argument(
        '--no-validate', action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the lr by the actual / the config\'s base batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed', action='store_true',
        help='use a different seed on each rank')
    parser.add_argument(
        '--deterministic', action='store_true',
        help='deterministic algorithms (cuDNN)')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line flags to the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    set_work_dir(cfg, args)
    if args.data_root is not None:
        set_data_root(cfg, args.data_root)
    if args.amp:
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(f'--amp cannot replace optim wrapper {wrapper}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        # loss scaling is for fp16 on GPU; the CPU wrapper ignores it
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    randomness = dict(cfg.get('randomness') or {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    randomness.setdefault('seed', None)
    randomness['diff_rank_seed'] = args.diff_rank_seed
    randomness['deterministic'] = (args.deterministic or
                                   randomness.get('deterministic', False))
    cfg.randomness = randomness
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # after the options: re-running a command whose options hold
    # load_from=<pretrained> with --resume must resume the work dir, not
    # "resume" from the pretrained file
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main() -> None:
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    runner = build_runner(cfg)
    runner.train()


if __name__ == '__main__':
    run_main(main)
