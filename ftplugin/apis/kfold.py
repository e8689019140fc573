"""Stratified k-fold evaluation of a config: every file tested once per seed.

For each seed and fold the config's three dataloaders get the same fold
split (:func:`~ftplugin.datasets.file_split.split_files`): the model trains
on k-1 folds minus a validation part carved from them (checkpoint choice),
and the best-validation checkpoint is tested on the held-out fold. Over the
k folds of one seed every file is tested exactly once by a model that never
saw it. ``tools/analysis/kfold.py`` is the command line of :func:`run_kfold`.
"""
import copy
import inspect
import json
import os
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence

import numpy as np
from mmengine.config import Config
from mmengine.logging import print_log

from ..checkpoint.selection import best_checkpoint
from ..utils import build_runner, set_data_root
from ..utils.atomic_io import atomic_write_json
from ..utils.safe_pickle import safe_pickle_load

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
SPLIT_OF = dict(train_dataloader='train', val_dataloader='val',
                test_dataloader='test')


def leaf_datasets(dataset: dict) -> Iterator[dict]:
    """The dataset configs under wrappers (``RepeatDataset``, ...)."""
    if 'dataset' in dataset:
        yield from leaf_datasets(dataset['dataset'])
    elif 'datasets' in dataset:
        for child in dataset['datasets']:
            yield from leaf_datasets(child)
    else:
        yield dataset


def fold_config(cfg: Config, num_folds: int, fold: int, seed: int,
                work_dir: str, data_root: Optional[str] = None) -> Config:
    """A copy of ``cfg`` that trains/validates/tests on one fold.

    Args:
        cfg (Config): A config whose datasets take ``split``,
            ``num_folds``, ``fold`` and ``split_seed`` (the pose datasets).
        num_folds (int): k.
        fold (int): The held-out fold.
        seed (int): Seed of the fold split and of training.
        work_dir (str): Work dir of this run.
        data_root (str, optional): Replaces every loader's ``data_root``.

    Returns:
        Config: The fold's config.
    """
    cfg = copy.deepcopy(cfg)
    for loader in LOADERS:
        for dataset in leaf_datasets(cfg[loader]['dataset']):
            dataset.update(split=SPLIT_OF[loader], num_folds=num_folds,
                           fold=fold, split_seed=seed)
    if data_root is not None:
        set_data_root(cfg, data_root)
    # the study needs only the best checkpoint: no per-epoch checkpoints or
    # curves, which cost more than a training epoch of a small model
    cfg.default_hooks.checkpoint.interval = -1
    if 'history' in cfg.default_hooks:
        cfg.default_hooks.history = None
    cfg.randomness = dict(seed=seed)
    cfg.work_dir = work_dir
    cfg.experiment_name = f'kfold_seed{seed}_fold{fold}'
    cfg.launcher = 'none'
    cfg.resume = False
    return cfg


def _file_rows(dump: str) -> List[Dict]:
    rows = safe_pickle_load(dump)
    return [dict(filename=r.get('filename'), label=int(r['gt_label']),
                 pred=int(r['pred_label']),
                 score=[float(s) for s in np.asarray(r['pred_score'])])
            for r in rows]


def _with_dump(evaluator, dump: str) -> list:
    evaluators = evaluator if isinstance(evaluator, (list, tuple)) else [
        evaluator]
    return list(evaluators) + [dict(type='AtomicDumpResults', out_file_path=dump)]


def _apply_options(dataset: Dict, options: Dict) -> None:
    """Set each test-variant option on the dataset's pipeline transforms
    that take it (``sampling``, ``num_clips`` of ``SamplePoseWindows``),
    else on the dataset."""
    from mmaction.registry import TRANSFORMS
    for key, value in options.items():
        takers = []
        for step in dataset.get('pipeline') or ():
            cls = (TRANSFORMS.get(step.get('type'))
                   if isinstance(step, dict) else None)
            if cls is not None and key in inspect.signature(
                    cls.__init__).parameters:
                takers.append(step)
        for step in takers:
            step[key] = value
        if not takers:
            dataset[key] = value


def _test_variant(runner, cfg: Config, evaluator, name: str,
                  options: Dict) -> Dict:
    """Test the loaded model again with other test-dataset options (and
    ``average_clips``), e.g. one window per file against several."""
    from mmengine.runner import TestLoop
    options = dict(options)
    loader = copy.deepcopy(cfg.test_dataloader)
    head = runner.model.cls_head
    average_clips = head.average_clips
    head.average_clips = options.pop('average_clips', average_clips)
    for dataset in leaf_datasets(loader['dataset']):
        _apply_options(dataset, options)
    dump = osp.join(cfg.work_dir, f'test_predictions_{name}.pkl')
    try:
        TestLoop(runner, loader, _with_dump(evaluator, dump)).run()
    finally:
        head.average_clips = average_clips
    return dict(files=_file_rows(dump))


def train_and_test_fold(cfg: Config,
                        test_variants: Optional[Dict[str, Dict]] = None
                        ) -> Dict:
    """Train one fold's config, test its best checkpoint on the held-out
    fold; returns the test metrics and one row per tested file, and the
    same for each test variant (name -> test-dataset options, plus
    ``average_clips``) tested with the same checkpoint."""
    dump = osp.join(cfg.work_dir, 'test_predictions.pkl')
    evaluator = cfg.test_evaluator  # each test dumps to its own file only
    cfg.test_evaluator = _with_dump(evaluator, dump)
    runner = build_runner(cfg)
    runner.train()
    best = best_checkpoint(cfg.work_dir, fall_back_to_last=True)
    runner.load_checkpoint(best, map_location='cpu', strict=True)
    metrics = runner.test()
    files = _file_rows(dump)
    variants = {name: _test_variant(runner, cfg, evaluator, name, options)
                for name, options in (test_variants or {}).items()}
    return dict(checkpoint=osp.basename(best), files=files,
                metrics={k: v for k, v in metrics.items()
                         if np.isscalar(v)},
                variants=variants)


def accuracy(files: List[Dict]) -> float:
    """Fraction of the rows whose prediction is their label."""
    return float(np.mean([f['pred'] == f['label'] for f in files]))


def summarize(runs: List[Dict]) -> Dict:
    """Mean ± std of the fold accuracies, and the pooled accuracy of each
    seed (all its files, each tested once); the same for each test variant
    under ``variants``."""
    summary = _summarize(runs)
    names = sorted({name for run in runs for name in run.get('variants', {})})
    summary['variants'] = {
        name: _summarize([dict(run, **run['variants'][name],
                               accuracy=accuracy(run['variants'][name]
                                                 ['files']))
                          for run in runs]) for name in names}
    return summary


def _summarize(runs: List[Dict]) -> Dict:
    accs = [run['accuracy'] for run in runs]
    seeds = sorted({run['seed'] for run in runs})
    pooled = {}
    for seed in seeds:
        files = [f for run in runs if run['seed'] == seed
                 for f in run['files']]
        pooled[seed] = accuracy(files)
    return dict(
        num_runs=len(runs),
        fold_accuracy_mean=float(np.mean(accs)),
        fold_accuracy_std=float(np.std(accs, ddof=1)) if len(accs) > 1
        else 0.0,
        pooled_accuracy_per_seed={str(s): a for s, a in pooled.items()},
        pooled_accuracy_mean=float(np.mean(list(pooled.values()))),
        pooled_accuracy_std=float(np.std(list(pooled.values()), ddof=1))
        if len(pooled) > 1 else 0.0,
        files_per_seed={str(s): sum(len(r['files']) for r in runs
                                    if r['seed'] == s) for s in seeds})


def run_kfold(cfg: Config,
              num_folds: int = 5,
              seeds: Sequence[int] = (0, ),
              work_dir: str = 'work_dirs/kfold',
              data_root: Optional[str] = None,
              out_file: Optional[str] = None,
              test_variants: Optional[Dict[str, Dict]] = None) -> Dict:
    """Run the k-fold protocol and write ``kfold.json`` and ``kfold.png``.

    Runs are trained one after another in this process; a run whose
    ``result.json`` exists in its work dir is read back instead of being
    trained again, so an interrupted study continues where it stopped.

    Args:
        cfg (Config): The config to evaluate.
        num_folds (int): k (>= 2).
        seeds (Sequence[int]): One fold split and one training per seed.
        work_dir (str): Runs go to ``<work_dir>/seed<S>/fold<F>``.
        data_root (str, optional): Replaces every loader's ``data_root``.
        out_file (str, optional): The JSON; defaults to
            ``<work_dir>/kfold.json`` (the PNG goes beside it).
        test_variants (dict, optional): Name -> test options (and
            ``average_clips``): each fold's checkpoint is also tested so,
            e.g. ``dict(clips5=dict(sampling='clips', num_clips=5))``. An
            option goes to the test pipeline's transforms that take it
            (here ``SamplePoseWindows``), else to the test dataset.

    Returns:
        dict: ``runs`` (per seed and fold: accuracy, metrics, files) and
        ``summary`` (:func:`summarize`).
    """
    if num_folds < 2:
        raise ValueError(f'--folds must be >= 2, got {num_folds}')
    runs = []
    for seed in seeds:
        for fold in range(num_folds):
            run_dir = osp.join(work_dir, f'seed{seed}', f'fold{fold}')
            done = osp.join(run_dir, 'result.json')
            if osp.exists(done):
                with open(done) as f:
                    run = json.load(f)
            else:
                run = train_and_test_fold(
                    fold_config(cfg, num_folds, fold, seed, run_dir,
                                data_root), test_variants)
                run.update(seed=seed, fold=fold, num_files=len(run['files']),
                           accuracy=accuracy(run['files']))
                atomic_write_json(done, run)
            runs.append(run)
            variants = ''.join(
                f', {name} {100 * accuracy(v["files"]):.1f} %'
                for name, v in run.get('variants', {}).items())
            print_log(f'k-fold seed {seed} fold {fold}: accuracy '
                      f'{100 * run["accuracy"]:.1f} % on {run["num_files"]}'
                      f' held-out files{variants}', logger='current')
    result = dict(num_folds=num_folds, seeds=list(seeds),
                  summary=summarize(runs), runs=runs)
    out_file = out_file or osp.join(work_dir, 'kfold.json')
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    atomic_write_json(out_file, result, indent=1)
    from ..visualization.kfold_plot import plot_kfold
    plot_kfold(result, osp.splitext(out_file)[0] + '.png')
    return result
