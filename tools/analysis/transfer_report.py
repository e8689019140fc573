"""Did pretraining help? A config against its from-scratch twin, per seed.

    python tools/analysis/transfer_report.py CONFIG --load-from CKPT
        [--scratch-config CFG] [--seeds 0 1 2] [--metric acc/top1]
        [--lower-is-better] [--work-root work_dirs/transfer/<cfg>]
        [--cfg-options k=v ...]

For each seed, ``tools/train.py`` trains CONFIG from ``--load-from`` and
its twin from scratch, with the same data, epochs and everything else
(``--scratch-config``, e.g. ``configs/kaggle_pose/pose_ae_kaggle_scratch.py``;
by default CONFIG itself with ``load_from=None`` and no required modules);
``tools/test.py`` then scores each run's best checkpoint (chosen on the
validation split) on the test split (``test_metrics.json``). The report
(``transfer_report.json`` and ``.md`` in the work root) states per metric
whether pretraining helped and by how much, with the spread over seeds.
Pass the same ``--cfg-options`` you train with (data roots, epochs).
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys

from mmengine.config import Config, DictAction

from ftplugin.evaluation import summarize_transfer

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--load-from', required=True,
                        help='the pretrained checkpoint CONFIG starts from')
    parser.add_argument('--scratch-config',
                        help='the twin (default: CONFIG without load_from)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--metric', help='test metric to compare (default: '
                        "the config's save_best metric)")
    parser.add_argument('--lower-is-better', action='store_true')
    parser.add_argument('--work-root')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={})
    return parser.parse_args()


def _run(cmd) -> None:
    print('$ ' + ' '.join(cmd), flush=True)
    subprocess.run([sys.executable] + cmd, cwd=REPO, check=True)


def train_and_test(config: str, work: str, seed: int, options: dict) -> dict:
    """Train (skipped when done before), test the best checkpoint."""
    opts = [f'{k}={v}' for k, v in options.items()]
    metrics_file = osp.join(work, 'test_metrics.json')
    if not osp.isfile(metrics_file):
        _run(['tools/train.py', config, '--work-dir', work, '--seed',
              str(seed)] + (['--cfg-options'] + opts if opts else []))
        best = max(glob.glob(osp.join(work, 'best_*.pth')),
                   key=osp.getmtime)
        _run(['tools/test.py', config, best, '--work-dir', work] +
             (['--cfg-options'] + opts if opts else []))
    with open(metrics_file) as f:
        return json.load(f)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    metric = args.metric or cfg.default_hooks.checkpoint.get('save_best')
    if not metric or metric == 'auto':
        raise SystemExit('pass --metric (the config has no save_best)')
    lower = args.lower_is_better or (cfg.default_hooks.checkpoint.get(
        'rule') == 'less')
    name = osp.splitext(osp.basename(args.config))[0]
    root = args.work_root or osp.join('work_dirs', 'transfer', name)
    os.makedirs(root, exist_ok=True)
    scratch_cfg = args.scratch_config or args.config
    scratch_opts = dict(args.cfg_options, load_from=None)
    if not args.scratch_config:
        scratch_opts['load_cfg'] = None
    arms = {'pretrained': {}, 'scratch': {}}
    for seed in args.seeds:
        arms['pretrained'][seed] = train_and_test(
            args.config, osp.join(root, f'pretrained_seed{seed}'), seed,
            dict(args.cfg_options, load_from=args.load_from))
        arms['scratch'][seed] = train_and_test(
            scratch_cfg, osp.join(root, f'scratch_seed{seed}'), seed,
            scratch_opts)
    summary = summarize_transfer(
        {s: m[metric] for s, m in arms['pretrained'].items()},
        {s: m[metric] for s, m in arms['scratch'].items()}, metric,
        higher_is_better=not lower)
    summary.update(config=args.config, scratch_config=scratch_cfg,
                   load_from=args.load_from)
    with open(osp.join(root, 'transfer_report.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    rows = '\n'.join(
        f'| {s} | {summary["pretrained"]["values"][i]:.4f} | '
        f'{summary["scratch"]["values"][i]:.4f} |'
        for i, s in enumerate(summary['seeds']))
    with open(osp.join(root, 'transfer_report.md'), 'w') as f:
        f.write(f'# Transfer report: {name}\n\n{summary["text"]}.\n\n'
                f'Test {metric} of the best checkpoint (chosen on '
                f'validation), fine-tuned from `{args.load_from}` vs '
                f'`{scratch_cfg}` from scratch, same data and budget.\n\n'
                f'| seed | fine-tuned | from scratch |\n| --- | --- | --- |'
                f'\n{rows}\n')
    print(summary['text'])
    print(f'written to {root}/transfer_report.md')


if __name__ == '__main__':
    main()
