"""Did pretraining help? A config against its from-scratch twin, per seed.

For each seed the config is trained from a pretrained checkpoint and its
twin from scratch, with the same data, epochs and everything else; each
run's best checkpoint (chosen on the validation split) is then tested on
the test split. :func:`run_transfer_study` writes ``transfer_report.json``,
``transfer_report.md`` and ``transfer_report.png`` (per seed, the two arms
side by side) in its work root. ``tools/analysis/transfer_report.py`` is its
command line.
"""
import copy
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.config import Config
from mmengine.logging import print_log

from ..checkpoint.selection import best_checkpoint
from ..utils import build_runner
from ..utils.atomic_io import atomic_write_json, atomic_write_text
from ..evaluation.transfer_summary import summarize_transfer


def twin_configs(cfg: Config, load_from: str,
                 scratch_cfg: Optional[Config] = None) -> Dict[str, Config]:
    """The two arms: ``cfg`` from ``load_from``, and its twin from scratch
    (``scratch_cfg``, else ``cfg`` without ``load_from`` and without the
    modules it requires to load)."""
    pretrained = copy.deepcopy(cfg)
    pretrained.load_from = load_from
    scratch = copy.deepcopy(scratch_cfg if scratch_cfg is not None else cfg)
    scratch.load_from = None
    if scratch_cfg is None:
        scratch.load_cfg = None
    return dict(pretrained=pretrained, scratch=scratch)


def train_and_test(cfg: Config, work_dir: str, seed: int) -> Dict:
    """Train ``cfg`` with ``seed`` in ``work_dir``, test its best checkpoint;
    the scalar test metrics and ``num_test_samples``. A run whose
    ``transfer_run.json`` exists is read back instead, so an interrupted
    study continues."""
    metrics_file = osp.join(work_dir, 'transfer_run.json')
    if osp.isfile(metrics_file):
        with open(metrics_file) as f:
            return json.load(f)
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=seed)
    cfg.launcher = 'none'
    cfg.resume = False
    # the study needs only the best checkpoint and the test metrics
    cfg.default_hooks.checkpoint.interval = -1
    if 'history' in cfg.default_hooks:
        cfg.default_hooks.history = None
    runner = build_runner(cfg)
    runner.train()
    runner.load_checkpoint(best_checkpoint(work_dir), map_location='cpu',
                           strict=True)
    metrics = {k: float(v) for k, v in runner.test().items()
               if np.isscalar(v)}
    metrics['num_test_samples'] = len(runner.test_dataloader.dataset)
    atomic_write_json(metrics_file, metrics, indent=2)
    return metrics


def _markdown(name: str, summary: Dict, arms: Dict[str, Config],
              metrics: Dict[str, Dict[int, Dict]]) -> str:
    metric = summary['metric']
    rows = '\n'.join(
        f'| {s} | {summary["pretrained"]["values"][i]:.4f} | '
        f'{summary["scratch"]["values"][i]:.4f} | '
        f'{summary["pretrained"]["values"][i] - summary["scratch"]["values"][i]:+.4f} |'  # noqa: E501
        for i, s in enumerate(summary['seeds']))
    sizes = {arm: metrics[arm][summary['seeds'][0]].get('num_test_samples')
             for arm in metrics}
    size = (f' Test set: {sizes["pretrained"]} samples.'
            if sizes.get('pretrained') else '')
    return (f'# Transfer report: {name}\n\n{summary["text"]}. ("helped" '
            f'or "hurt" needs the mean paired difference to be at least '
            f'twice its standard error.)\n\n'
            f'Test `{metric}` of each run\'s best checkpoint (chosen on the '
            f'validation split), fine-tuned from `{arms["pretrained"].load_from}`'
            f' vs the same budget from scratch ({summary["scratch_config"]}), '
            f'same data.{size}\n\n'
            f'| seed | fine-tuned | from scratch | difference |\n'
            f'| --- | --- | --- | --- |\n{rows}\n\n'
            f'![per seed](transfer_report.png)\n')


def run_transfer_study(cfg: Config,
                       load_from: str,
                       seeds: Sequence[int] = (0, 1, 2),
                       work_root: str = 'work_dirs/transfer',
                       metric: Optional[str] = None,
                       higher_is_better: Optional[bool] = None,
                       scratch_cfg: Optional[Config] = None,
                       name: Optional[str] = None) -> Dict:
    """Train both arms over ``seeds`` (one run after another, in this
    process) and write the report files into ``work_root``.

    Args:
        cfg (Config): The fine-tuning config.
        load_from (str): The pretrained checkpoint it starts from.
        seeds (Sequence[int]): Training seeds; each gives one pair.
        work_root (str): Runs go to ``<work_root>/<arm>_seed<seed>``.
        metric (str, optional): Test metric to compare; defaults to the
            config's ``save_best``.
        higher_is_better (bool, optional): Defaults to the checkpoint
            hook's ``rule`` (``'less'``: lower is better).
        scratch_cfg (Config, optional): The from-scratch twin (e.g.
            ``pose_ae_kaggle_scratch.py``); defaults to ``cfg`` without
            ``load_from``.
        name (str, optional): Title of the report.

    Returns:
        dict: The summary of :func:`summarize_transfer` plus ``config``,
        ``load_from`` and the per-run ``test_metrics``.
    """
    from ..visualization import plot_transfer

    checkpoint = cfg.default_hooks.checkpoint
    metric = metric or checkpoint.get('save_best')
    if not metric or metric == 'auto':
        raise ValueError('no metric to compare: pass metric= (the config '
                         'has no default_hooks.checkpoint.save_best)')
    if higher_is_better is None:
        higher_is_better = checkpoint.get('rule') != 'less'
    name = name or osp.splitext(osp.basename(cfg.filename or 'config'))[0]
    arms = twin_configs(cfg, load_from, scratch_cfg)
    os.makedirs(work_root, exist_ok=True)
    metrics: Dict[str, Dict[int, Dict]] = {arm: {} for arm in arms}
    for seed in seeds:
        for arm, arm_cfg in arms.items():
            print_log(f'transfer study: {arm}, seed {seed}', 'current')
            metrics[arm][seed] = train_and_test(
                arm_cfg, osp.join(work_root, f'{arm}_seed{seed}'), seed)
    missing = [arm for arm in arms if metric not in metrics[arm][seeds[0]]]
    if missing:
        raise KeyError(f'test metric {metric!r} not in the test metrics of '
                       f'{missing}: {sorted(metrics[missing[0]][seeds[0]])}')
    summary = summarize_transfer(
        {s: m[metric] for s, m in metrics['pretrained'].items()},
        {s: m[metric] for s, m in metrics['scratch'].items()}, metric,
        higher_is_better=higher_is_better)
    summary.update(
        config=cfg.filename, load_from=load_from,
        scratch_config=(scratch_cfg.filename if scratch_cfg is not None
                        else 'the same config without load_from'),
        higher_is_better=higher_is_better,
        test_metrics={arm: {str(s): m for s, m in runs.items()}
                      for arm, runs in metrics.items()})
    atomic_write_json(osp.join(work_root, 'transfer_report.json'), summary,
                      indent=2)
    atomic_write_text(osp.join(work_root, 'transfer_report.md'),
                      _markdown(name, summary, arms, metrics))
    plot_transfer(summary, osp.join(work_root, 'transfer_report.png'),
                  title=name)
    return summary
