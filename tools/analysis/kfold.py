"""Stratified k-fold evaluation of a config (each file tested once per seed).

    python tools/analysis/kfold.py CONFIG [--folds 5] [--seeds 0 1 2]
        [--data-root D] [--work-dir DIR] [--cfg-options k=v ...]
        [--test-variant NAME k=v ... [--test-variant ...]]

Trains on k-1 folds (a validation part carved from them chooses the
checkpoint) and tests on the held-out fold; writes ``<work-dir>/kfold.json``
and ``kfold.png`` and prints the mean ± std over folds and seeds and the
pooled accuracy. Default work dir: ``work_dirs/kfold_<config name>``.
``--test-variant clips5_max sampling=clips num_clips=5 average_clips=max``
also tests each fold's checkpoint with those test options (on the test
pipeline's transforms that take them, else on the test dataset; and head
aggregation; a variant without ``average_clips`` keeps the config's), without
training again.
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.apis.kfold import run_kfold
from ftplugin.utils import load_config


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--folds', type=int, default=5, help='k')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='one fold split and training per seed')
    parser.add_argument('--data-root', help="every loader's data_root")
    parser.add_argument('--work-dir', help='where the runs and results go')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, key=value (nested keys with dots)')
    parser.add_argument(
        '--test-variant', nargs='+', action='append', default=[],
        metavar=('NAME', 'KEY=VALUE'),
        help='also test each checkpoint with these test-dataset options')
    return parser.parse_args()


def parse_variants(specs) -> dict:
    """``[[name, 'k=v', ...], ...]`` -> ``{name: {k: v}}`` (values parsed
    as mmengine's DictAction does)."""
    variants = {}
    for name, *pairs in specs:
        options = {}
        for pair in pairs:
            key, sep, value = pair.partition('=')
            if not sep:
                raise ValueError(f'--test-variant {name}: {pair!r} is not '
                                 f'KEY=VALUE')
            options[key] = DictAction._parse_iterable(value)
        variants[name] = options
    return variants


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    name = osp.splitext(osp.basename(args.config))[0]
    work_dir = args.work_dir or osp.join('work_dirs', f'kfold_{name}')
    result = run_kfold(cfg, args.folds, args.seeds, work_dir,
                       args.data_root,
                       test_variants=parse_variants(args.test_variant))
    s = result['summary']
    print(f'{name}: {args.folds}-fold x {len(args.seeds)} seed(s): '
          f'accuracy {100 * s["fold_accuracy_mean"]:.2f} ± '
          f'{100 * s["fold_accuracy_std"]:.2f} % over {s["num_runs"]} '
          f'folds; pooled {100 * s["pooled_accuracy_mean"]:.2f} ± '
          f'{100 * s["pooled_accuracy_std"]:.2f} % over seeds '
          f'({s["files_per_seed"]} files per seed); '
          f'{osp.join(work_dir, "kfold.json")}')
    for name, v in s['variants'].items():
        print(f'  test variant {name}: {100 * v["fold_accuracy_mean"]:.2f} '
              f'± {100 * v["fold_accuracy_std"]:.2f} % over folds; pooled '
              f'{100 * v["pooled_accuracy_mean"]:.2f} ± '
              f'{100 * v["pooled_accuracy_std"]:.2f} %')


if __name__ == '__main__':
    main()
