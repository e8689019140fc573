"""Demo steps of the ``thermal`` family.

Data -> class weights -> training of the CPU config (SlowOnly R18, weighted
cross-entropy) -> ``tools/test.py --dump`` -> confusion matrix and
classification report -> ONNX export with onnxruntime parity. On generated
recordings by default; with a data root holding ``thermal_action_dataset/``
(e.g. ``../shared/data``) on the real files (the two absent recordings are
skipped with a warning), trained on the given split and, in addition, on a
sensor-disjoint split of the same annotations.
"""
import json
import os.path as osp
from typing import List, Optional, Tuple

from .common import PYTHON, REPO, best_checkpoint, run

CFG = 'configs/thermal/slowonly_r18_thermal_cpu.py'
LOSS_KEY = 'model.cls_head.loss_cls.class_weight'


def _weights(data_root: str, ann: str, out_json: str, step: str) -> str:
    """Run the class-weight tool; return the --cfg-options entry."""
    run(step, [
        PYTHON, 'tools/analysis/class_weights.py',
        osp.join(data_root, ann), '--class-mapping',
        osp.join(data_root, 'annotations', 'class_mapping.json'),
        '--frames-dir', osp.join(data_root, 'frames'), '--power', '0.5',
        '--out', out_json
    ])
    with open(osp.join(REPO, out_json)) as f:
        weights = json.load(f)['class_weight']
    return f'{LOSS_KEY}={weights}'.replace(' ', '')


def _train_test(tag: str, work: str, data_root: str, ann: Tuple[str, str],
                weights: str, epochs: Optional[int],
                steps: Tuple[str, str, str]) -> dict:
    """Train, test (dump), confusion report; return the paths."""
    options = [
        f'train_dataloader.dataset.ann_file={ann[0]}',
        f'val_dataloader.dataset.ann_file={ann[1]}',
        f'test_dataloader.dataset.ann_file={ann[1]}', weights]
    if epochs is not None:
        options.append(f'train_cfg.max_epochs={epochs}')
    run(steps[0], [PYTHON, 'tools/train.py', CFG, '--work-dir', work,
                   '--seed', '0', '--data-root', data_root,
                   '--cfg-options'] + options)
    best = best_checkpoint(work)
    dump = osp.join(work, 'test_predictions.pkl')
    run(steps[1], [PYTHON, 'tools/test.py', CFG, best, '--work-dir', work,
                   '--dump', dump, '--data-root', data_root,
                   '--cfg-options'] + options)
    report_dir = osp.join(work, 'report')
    run(steps[2], [
        PYTHON, 'tools/analysis/confusion_matrix.py', dump, '--class-mapping',
        osp.join(data_root, 'annotations', 'class_mapping.json'),
        '--out-dir', report_dir, '--title', tag
    ])
    with open(osp.join(REPO, work, 'test_metrics.json')) as f:
        metrics = json.load(f)
    return dict(work=work, best=best, dump=dump, report=report_dir,
                metrics=metrics)


def run_family(work_root: str, data_root: Optional[str],
               quick: bool) -> List[Tuple[str, str]]:
    """Run the family end to end; return (what, where) of its results."""
    work = osp.join(work_root, 'thermal')
    real = (data_root is not None and osp.isdir(
        osp.join(data_root, 'thermal_action_dataset')))
    total = 10 if real else 6
    if real:
        data_root = osp.join(data_root, 'thermal_action_dataset')
        print(f'thermal: using the recordings under {data_root}')
    else:
        data_root = osp.join('data', 'demo', 'thermal',
                             'thermal_action_dataset')
        run(f'thermal 1/{total}: generate thermal recordings and annotations',
            [PYTHON, 'tools/data/thermal/generate_thermal_data.py',
             '--out-dir', data_root, '--sensors', '6' if quick else '10',
             '--frames', '240' if quick else '400', '--seed', '0'])
    epochs = 2 if quick else None
    step = 1 if real else 2

    def label(text: str) -> str:
        nonlocal step
        step += 1
        return f'thermal {step - 1}/{total}: {text}'

    weights = _weights(data_root, 'annotations/train.json',
                       osp.join(work, 'class_weights.json'),
                       label('class weights (square-root inverse frequency)'))
    given = _train_test(
        'given split', osp.join(work, 'given_split'), data_root,
        ('annotations/train.json', 'annotations/val.json'), weights, epochs,
        (label('train SlowOnly R18 (weighted CE) on the given split'),
         label('test the best checkpoint (dump predictions)'),
         label('confusion matrix and classification report')))
    rows = [('val acc/mean_class', f'{given["metrics"]["acc/mean_class"]:.4f}'
             f' (top1 {given["metrics"]["acc/top1"]:.4f}, top3 '
             f'{given["metrics"]["acc/top3"]:.4f})')]
    if real:
        split_dir = osp.join(work, 'sensor_split')
        run(label('sensor-disjoint split of train + val'), [
            PYTHON, 'tools/data/thermal/split_thermal_by_sensor.py',
            osp.join(data_root, 'annotations', 'train.json'),
            osp.join(data_root, 'annotations', 'val.json'), '--out-dir',
            split_dir, '--frames-dir', osp.join(data_root, 'frames'),
            '--seed', '0'
        ])
        ann = tuple(osp.abspath(osp.join(REPO, split_dir, f'{s}.json'))
                    for s in ('train', 'val'))
        weights = _weights(data_root, ann[0],
                           osp.join(split_dir, 'class_weights.json'),
                           label('class weights of the sensor split'))
        sensor = _train_test(
            'sensor-disjoint split', osp.join(work, 'sensor_split_run'),
            data_root, ann, weights, epochs,
            (label('train on the sensor-disjoint split'),
             label('test on its held-out sensors'),
             label('its confusion matrix')))
        rows.append(('sensor-split val', 'acc/mean_class '
                     f'{sensor["metrics"]["acc/mean_class"]:.4f} (top1 '
                     f'{sensor["metrics"]["acc/top1"]:.4f})'))
    onnx_file = osp.join(given['work'], 'slowonly_r18_thermal_cpu.onnx')
    run(label('export to ONNX, compare onnxruntime with torch'), [
        PYTHON, 'tools/deployment/export_onnx.py', CFG, given['best'],
        '--output-file', onnx_file, '--verify'
    ])
    return rows + [
        ('training run', given['work']), ('best checkpoint', given['best']),
        ('training curves', osp.join(given['work'], 'training_curves.png')),
        ('test metrics', osp.join(given['work'], 'test_metrics.json')),
        ('confusion matrix', osp.join(given['report'],
                                      'confusion_matrix.png')),
        ('class report', osp.join(given['report'],
                                  'classification_report.txt')),
        ('test predictions', given['dump']), ('ONNX model', onnx_file)
    ]
