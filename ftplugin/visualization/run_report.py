"""One Markdown report with PNGs from what a training run wrote.

Reads a work dir as mmengine and ftplugin leave it: the newest
``<timestamp>/vis_data/scalars.json`` and config, ``training_history.json``,
``test_metrics.json``, ``best_*.pth`` and a ``tools/test.py --dump`` pickle
(the newest ``*.pkl`` of the work dir, or the one given).
"""
import glob
import json
import os
import os.path as osp
import re
from typing import Dict, List, Optional

import numpy as np

from ..utils.atomic_io import atomic_write_text
from ..utils.safe_pickle import safe_pickle_load
from .report_plots import (metric_panels, plot_confusion_matrix,
                           plot_error_by_step, plot_iteration_curves,
                           plot_per_class_ap, plot_training_curves)


# summary entries of the detection metric, not classes
NOT_CLASSES = ('overall', 'mean', 'constant_baseline', 'classes_without_gt')


def _newest(pattern: str) -> Optional[str]:
    found = glob.glob(pattern)
    return max(found, key=osp.getmtime) if found else None


def _read_json(path: Optional[str]):
    if path is None or not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def read_scalars(path: Optional[str]) -> Dict[str, List[dict]]:
    """``scalars.json`` lines split into ``train`` (with ``lr``) and
    ``val`` records."""
    out = dict(train=[], val=[])
    if path is None:
        return out
    with open(path) as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                out['train' if 'lr' in record else 'val'].append(record)
    return out


def _training_run(work_dir: str) -> Optional[str]:
    """The newest ``<timestamp>`` folder whose ``scalars.json`` holds
    training records: ``tools/test.py`` adds folders of its own to the work
    dir, whose config carries the tested checkpoint as ``load_from`` and
    none of the training's ``--cfg-options``."""
    found = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')),
                   key=osp.getmtime, reverse=True)
    for path in found:
        if read_scalars(path)['train']:
            return osp.dirname(osp.dirname(path))
    return None


def _class_names(path: Optional[str]) -> Optional[List[str]]:
    """The test dataset's class names: its config's ``metainfo``, else
    the dataset class's ``METAINFO``, else the built dataset's (names
    that come from the annotation files); None when none is found."""
    if path is None:
        return None
    from mmengine.config import Config
    try:
        dataset = Config.fromfile(path).test_dataloader.dataset
        while 'dataset' in dataset:  # wrappers
            dataset = dataset.dataset
    except (AttributeError, KeyError, TypeError):
        return None
    from mmaction.registry import DATASETS
    classes = (dataset.get('metainfo') or {}).get('classes')
    if classes is None:
        cls = DATASETS.get(dataset.get('type', ''))
        classes = (getattr(cls, 'METAINFO', None) or {}).get('classes')
    if classes is None:
        # names read from the annotations (thermal, ava_custom): build the
        # test dataset where its files are still where the run found them
        try:
            from mmengine.registry import init_default_scope
            init_default_scope('mmaction')
            classes = DATASETS.build(dataset).metainfo.get('classes')
        except Exception:  # moved or deleted data: numbers, not names
            classes = None
    return list(classes) if classes else None


def _to_numpy(value) -> np.ndarray:
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _config_settings(path: Optional[str]) -> Dict[str, str]:
    """The settings a reader of a report asks about first."""
    if path is None:
        return {}
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    out = {}

    def put(name, getter):
        try:
            value = getter()
        except (AttributeError, KeyError, TypeError):
            return
        if value not in (None, '', [], {}):
            out[name] = str(value)

    put('model', lambda: cfg.model.type)
    put('backbone', lambda: cfg.model.backbone.type)
    put('load_from (pretrained)', lambda: cfg.load_from)
    put('epochs', lambda: cfg.train_cfg.max_epochs)
    put('batch size', lambda: cfg.train_dataloader.batch_size)
    put('optimizer', lambda: ', '.join(
        f'{k}={v}' for k, v in cfg.optim_wrapper.optimizer.items()))
    put('gradient clipping',
        lambda: cfg.optim_wrapper.get('clip_grad', None))
    put('lr schedule', lambda: ', '.join(
        s['type'] for s in (cfg.param_scheduler if isinstance(
            cfg.param_scheduler, list) else [cfg.param_scheduler])))
    put('train data', lambda: cfg.train_dataloader.dataset.get(
        'data_root'))
    put('best checkpoint by',
        lambda: cfg.default_hooks.checkpoint.get('save_best'))
    hooks = list(cfg.get('custom_hooks') or []) + [
        h for h in (cfg.get('default_hooks') or {}).values() if h]
    for hook in hooks:
        if hook.get('type') == 'StagedUnfreezeHook':
            put('unfreezing stages', lambda: _stages_text(
                hook, cfg.train_cfg.max_epochs))
    put('threads', lambda: cfg.env_cfg.get('torch_num_threads'))
    return out


def _stages_text(hook: dict, max_epochs: int) -> str:
    """The stages of a StagedUnfreezeHook config, begins 1-based."""
    from ..engine.stages import epochs_of
    if hook['stages'] == 'auto':
        return f'automatic, {hook.get("num_stages", 3)} stages'
    parts = []
    for i, stage in enumerate(hook['stages']):
        begin = stage.get('begin', 0 if i == 0 else None)
        start = ('when the previous stage ends' if begin is None else
                 f'from epoch {epochs_of(begin, max_epochs, "begin") + 1}')
        parts.append(f'{start}: {", ".join(stage["trainable"])}')
    return '; '.join(parts)


def _dump_plots(dump: str, out_dir: str, classes) -> List[tuple]:
    """Confusion matrix (classification) or error by step (heart rate)."""
    samples = safe_pickle_load(dump)  # nothing the dump names is run
    if not samples:
        return []
    first = samples[0]
    if 'pred_label' in first and 'gt_label' in first:
        pred = np.array([int(_to_numpy(s['pred_label']).ravel()[0])
                         for s in samples])
        true = np.array([int(_to_numpy(s['gt_label']).ravel()[0])
                         for s in samples])
        n = int(max(pred.max(), true.max()) + 1)
        if classes is not None:
            n = max(n, len(classes))
        matrix = np.zeros((n, n), int)
        np.add.at(matrix, (true, pred), 1)
        path = plot_confusion_matrix(
            matrix, classes, osp.join(out_dir, 'confusion_matrix.png'),
            title=f'Confusion matrix ({len(samples)} test samples, '
            f'accuracy {np.mean(pred == true):.3f})')
        return [('confusion matrix', path)]
    if 'pred_hr' in first and 'gt_hr' in first:
        length = max(len(_to_numpy(s['pred_hr']).ravel()) for s in samples)
        errors = np.full((len(samples), length), np.nan)
        for i, s in enumerate(samples):
            err = np.abs(_to_numpy(s['pred_hr']).ravel() -
                         _to_numpy(s['gt_hr']).ravel())
            if 'mask' in s:
                err = np.where(_to_numpy(s['mask']).ravel() > 0, err,
                               np.nan)
            errors[i, :len(err)] = err
        path = plot_error_by_step(errors,
                                  osp.join(out_dir, 'error_by_step.png'))
        return [('error by time step', path)]
    return []


def _per_class_ap(metrics: dict) -> Dict[str, float]:
    """``AP/<class>``-style entries of detection metrics."""
    return {k.split('/', 1)[1]: float(v) for k, v in metrics.items()
            if re.match(r'^(mAP|AP)/', k) and isinstance(v, (int, float))
            and not k.split('/', 1)[1].startswith(NOT_CLASSES)}


def write_report(work_dir: str, dump: Optional[str] = None,
                 out_dir: Optional[str] = None,
                 title: Optional[str] = None) -> str:
    """Write ``report.md`` and its PNGs for a training run.

    Args:
        work_dir (str): The run's work dir.
        dump (str, optional): A ``tools/test.py --dump`` pickle. Defaults
            to the newest ``*.pkl`` in ``work_dir``.
        out_dir (str, optional): Defaults to ``<work_dir>/report``.
        title (str, optional): Report title. Defaults to the work dir name.

    Returns:
        str: Path of ``report.md``.
    """
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'{work_dir}: no such work dir')
    out_dir = out_dir or osp.join(work_dir, 'report')
    os.makedirs(out_dir, exist_ok=True)
    history = _read_json(osp.join(work_dir, 'training_history.json')) or []
    run = _training_run(work_dir)
    scalars = read_scalars(
        osp.join(run, 'vis_data', 'scalars.json') if run else None)
    config = ((osp.join(run, 'vis_data', 'config.py') if run else None)
              or _newest(osp.join(work_dir, '*', 'vis_data', 'config.py'))
              or _newest(osp.join(work_dir, '*', '*.py')))
    if config is not None and not osp.isfile(config):
        config = _newest(osp.join(work_dir, '*.py'))
    test_metrics = _read_json(osp.join(work_dir, 'test_metrics.json')) or {}
    dump = dump or _newest(osp.join(work_dir, '*.pkl'))
    best = _newest(osp.join(work_dir, 'best_*.pth'))
    if not (history or scalars['train'] or test_metrics):
        raise FileNotFoundError(
            f'{work_dir}: neither training_history.json, '
            f'*/vis_data/scalars.json nor test_metrics.json: not a '
            f'training or test run')

    figures = []
    if history:
        figures.append(('per-epoch curves', plot_training_curves(
            history, osp.join(out_dir, 'training_curves.png'))))
    if scalars['train']:
        figures.append(('per-iteration loss and learning rate',
                        plot_iteration_curves(
                            scalars['train'],
                            osp.join(out_dir, 'iterations.png'))))
    classes = _class_names(config)
    if dump is not None:
        figures += _dump_plots(dump, out_dir, classes)
    elif 'confusion_matrix' in test_metrics:
        figures.append(('confusion matrix', plot_confusion_matrix(
            test_metrics['confusion_matrix'], classes,
            osp.join(out_dir, 'confusion_matrix.png'))))
    ap = _per_class_ap(test_metrics)
    if ap:
        figures.append(('AP per class', plot_per_class_ap(
            ap, osp.join(out_dir, 'ap_per_class.png'),
            baseline=test_metrics.get('mAP/constant_baseline'))))

    lines = [f'# {title or osp.basename(osp.normpath(work_dir))}', '',
             f'Work dir: `{work_dir}`', '']
    settings = _config_settings(config)
    if best:
        match = re.search(r'epoch_(\d+)', osp.basename(best))
        settings['best checkpoint'] = f'`{best}`' + (
            f' (epoch {match.group(1)})' if match else '')
    if settings:
        lines += ['## Settings', '', '| setting | value |', '| --- | --- |']
        lines += [f'| {k} | {v} |' for k, v in settings.items()]
        lines.append('')
    if history:
        last = history[-1]
        panels = metric_panels(history)
        keys = [key for series in panels.values()
                for _, split, key in series if split == 'val']
        if keys:
            lines += ['## Validation, last epoch and best', '',
                      '| metric | last (epoch %d) | best (epoch) |'
                      % last['epoch'], '| --- | --- | --- |']
            for key in keys:
                values = [(h['val'].get(key), h['epoch']) for h in history
                          if isinstance(h.get('val', {}).get(key),
                                        (int, float))]
                if not values:
                    continue
                low = 'loss' in key or 'mse' in key or 'mae' in key
                # the first epoch that reached it, as save_best keeps
                best_v = (min if low else max)(values, key=lambda v: v[0])
                now = last.get('val', {}).get(key)
                now = f'{now:.4f}' if isinstance(now, (int, float)) else '-'
                lines.append(f'| {key} | {now} | {best_v[0]:.4f} '
                             f'({best_v[1]}) |')
            lines.append('')
    if test_metrics:
        lines += ['## Test', '', '| metric | value |', '| --- | --- |']
        lines += [f'| {k} | {v:.4f} |' for k, v in test_metrics.items()
                  if isinstance(v, (int, float))]
        lines.append('')
    lines += ['## Figures', '']
    for caption, path in figures:
        lines += [f'**{caption}**', '',
                  f'![{caption}]({osp.relpath(path, out_dir)})', '']
    report = osp.join(out_dir, 'report.md')
    atomic_write_text(report, '\n'.join(lines))
    return report


def write_reports(root: str) -> List[str]:
    """:func:`write_report` for every training run under ``root``.

    A training run is a folder holding ``training_history.json``.

    Args:
        root (str): A folder of work dirs (e.g. a demo's family folder).

    Returns:
        list[str]: The ``report.md`` files written.
    """
    runs = sorted(osp.dirname(p) for p in glob.glob(
        osp.join(root, '**', 'training_history.json'), recursive=True))
    return [write_report(run) for run in runs]
