"""Demo steps of the ``thermal`` family.

Generate recordings -> class weights -> validate -> train the CPU config
(SlowOnly R18, weighted cross-entropy) -> test (``--dump``) -> confusion
matrix and classification report -> ONNX export with onnxruntime parity ->
predict -> report. With a data root holding ``thermal_action_dataset/``
(e.g. ``../shared/data``) on the real files (the two absent recordings are
skipped with a warning), trained on the given split and, in addition, on a
sensor-disjoint split of the same annotations.
"""
import json
import os.path as osp
from typing import Dict, List, Optional, Tuple

from .common import (PYTHON, REPO, FamilyRun, Result, best_checkpoint,
                     classes_present, majority_share, read_json)

CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'
LOSS_KEY = 'model.cls_head.loss_cls.class_weight'


def _weights(run: FamilyRun, data_root: str, ann: str, out_json: str,
             step: str) -> str:
    """Run the class-weight tool; return the --cfg-options entry."""
    run.step(step, 'class weights (square-root inverse frequency)', [
        PYTHON, 'tools/analysis/class_weights.py',
        osp.join(data_root, ann), '--class-mapping',
        osp.join(data_root, 'annotations', 'class_mapping.json'),
        '--frames-dir', osp.join(data_root, 'frames'), '--power', '0.5',
        '--out', out_json
    ])
    with open(osp.join(REPO, out_json)) as f:
        weights = json.load(f)['class_weight']
    return f'{LOSS_KEY}={weights}'.replace(' ', '')


def _options(ann: Tuple[str, str], weights: str,
             epochs: Optional[int]) -> List[str]:
    """The ``--cfg-options`` of a run: its split, its class weights and,
    for a short run (``epochs``), a model of half the width (8 base
    channels) at lr 3e-3, 1 warm-up epoch and a cosine over the rest: at
    the config's width and lr it predicted the majority class for the
    first 8 epochs (docs/experiments/demo.md)."""
    options = [
        f'train_dataloader.dataset.ann_file={ann[0]}',
        f'val_dataloader.dataset.ann_file={ann[1]}',
        f'test_dataloader.dataset.ann_file={ann[1]}', weights]
    if epochs is not None:
        options += [
            f'train_cfg.max_epochs={epochs}',
            'model.backbone.base_channels=8', 'model.cls_head.in_channels=64',
            'optim_wrapper.optimizer.lr=3e-3', 'param_scheduler.0.end=1',
            'param_scheduler.1.begin=1', f'param_scheduler.1.end={epochs}',
            f'param_scheduler.1.T_max={epochs - 1}']
    return options


def _held_out(data_root: str, ann: str):
    """The recordings of the split ``ann`` (the test split's files)."""
    def files(dump: str) -> List[str]:
        sensors = {i['sensor_id']
                   for i in read_json(osp.join(data_root, ann))['images']}
        return [osp.join(data_root, 'frames', f'{s}.h5')
                for s in sorted(sensors)]
    return files


def _metric(metrics: Dict) -> Tuple[str, str]:
    confusion = metrics['confusion_matrix']
    return (f'val acc/mean_class {metrics["acc/mean_class"]:.4f} (top1 '
            f'{metrics["acc/top1"]:.4f}, top3 {metrics["acc/top3"]:.4f}; '
            f'val also chose the epoch)',
            f'mean_class {1 / classes_present(confusion):.4f} (one class '
            f'for all; {classes_present(confusion)} classes in val), top1 '
            f'{majority_share(confusion):.4f} (majority class)')


def run_family(run: FamilyRun) -> Result:
    """Run the family end to end; return its line of the final table."""
    real = (run.data_root is not None and osp.isdir(
        osp.join(run.data_root, 'thermal_action_dataset')))
    if real:
        data_root = osp.join(run.data_root, 'thermal_action_dataset')
        run.note(f'using the recordings under {data_root}')
    else:
        data_root = osp.join(run.data, 'thermal_action_dataset')
        sensors, frames = run.pick(('6', '240'), ('8', '320'), ('10', '400'))
        run.generate('thermal recordings and annotations', [
            'tools/data/thermal/generate_thermal_data.py', '--out-dir',
            data_root, '--sensors', sensors, '--frames', frames, '--seed',
            '0'])
    # quick / default: short schedules; full: the config's 20 epochs
    epochs = run.pick(2, 14, None)
    ann = ('annotations/train.json', 'annotations/val.json')
    weights = _weights(run, data_root, ann[0],
                       osp.join(run.work, 'class_weights.json'), 'weights')
    options = _options(ann, weights, epochs)
    run.validate(CFG, data_root, options=options)
    work = osp.join(run.work, 'given_split')
    run.train('train', 'train SlowOnly (weighted CE) on the given split', CFG,
              work, data_root, options)
    best = best_checkpoint(work)
    metrics = run.evaluate(CFG, best, work, data_root,
                           _held_out(data_root, ann[1]), options)
    metric, baseline = _metric(metrics)
    files = run.result_files(work, CFG, best)
    if real or run.mode == 'full':
        # the report has the confusion matrix; this adds per-class
        # precision and recall
        run.step('confusion', 'confusion matrix, classification report', [
            PYTHON, 'tools/analysis/confusion_matrix.py', run.dump(work),
            '--class-mapping',
            osp.join(data_root, 'annotations', 'class_mapping.json'),
            '--out-dir', osp.join(work, 'report'), '--title',
            'given split'])
        files.append(('class report', osp.join(
            work, 'report', 'classification_report.txt')))
    if real:
        files += _sensor_split(run, data_root, epochs)
    return Result(metric=metric, baseline=baseline,
                  report=osp.join(work, 'report', 'report.md'), files=files)


def _sensor_split(run: FamilyRun, data_root: str,
                  epochs: Optional[int]) -> List[Tuple[str, str]]:
    """Train and test again on a sensor-disjoint split (real data)."""
    split_dir = osp.join(run.work, 'sensor_split')
    run.step('sensor_split', 'sensor-disjoint split of train + val', [
        PYTHON, 'tools/data/thermal/split_thermal_by_sensor.py',
        osp.join(data_root, 'annotations', 'train.json'),
        osp.join(data_root, 'annotations', 'val.json'), '--out-dir',
        split_dir, '--frames-dir', osp.join(data_root, 'frames'), '--seed',
        '0'])
    ann = tuple(osp.abspath(osp.join(REPO, split_dir, f'{s}.json'))
                for s in ('train', 'val'))
    weights = _weights(run, data_root, ann[0],
                       osp.join(split_dir, 'class_weights.json'),
                       'sensor_weights')
    options = _options(ann, weights, epochs)
    work = osp.join(run.work, 'sensor_split_run')
    run.train('sensor_train', 'train on the sensor-disjoint split', CFG,
              work, data_root, options)
    best = best_checkpoint(work)
    dump = run.dump(work)
    run.step('sensor_test', 'test on its held-out sensors', [
        PYTHON, 'tools/test.py', CFG, best, '--work-dir', work, '--dump',
        dump, '--data-root', data_root, '--cfg-options',
        run.threads_option(), *options])
    metric, baseline = _metric(read_json(osp.join(work,
                                                  'test_metrics.json')))
    return [('sensor split', metric), ('sensor baseline', baseline),
            ('sensor split run', work)]
