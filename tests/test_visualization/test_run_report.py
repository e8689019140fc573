"""tools/analysis/report.py's logic on small fake work dirs."""
import json
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from ftplugin.visualization import metric_panels, write_report

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def history(epochs=6):
    """Fractions, their percent aliases, a per-class accuracy, stages."""
    out = []
    for e in range(1, epochs + 1):
        acc = 0.5 + 0.05 * e
        out.append(dict(
            epoch=e, stage=1 if e <= 3 else 2, lr=1e-3 / e,
            train=dict(loss=1.0 / e, loss_cls=0.8 / e, loss_recon=0.2 / e),
            val={'acc/top1': acc, 'acc/Fall': acc - 0.1,
                 'acc/No_Fall': acc + 0.05, 'f1/Fall': acc - 0.05,
                 'accuracy': 100 * acc, 'class_1_acc': 100 * (acc - 0.1),
                 'hr/mae': 10.0 / e, 'hr/mse': 150.0 / e,
                 'confusion_matrix': [[3, 1], [1, 3]]}))
    return out


def test_panels_one_quantity_and_scale():
    panels = metric_panels(history())
    keys = {k for series in panels.values() for _, _, k in series}
    # the original projects' percent names repeat acc/*: drawn once
    assert 'accuracy' not in keys and 'class_1_acc' not in keys
    assert {'acc/top1', 'acc/Fall', 'f1/Fall', 'hr/mae', 'loss'} <= keys
    for title, series in panels.items():
        values = [v for h in history() for s, k in
                  ((s, k) for _, s, k in series)
                  for v in [h[s].get(k)] if v is not None]
        if title.endswith('(fraction)'):
            assert max(values) <= 1.0
        assert not (title.endswith('(percent)') and max(values) <= 1)
    assert panels['loss'] and all('loss' in k for _, _, k in panels['loss'])
    per_class = panels['acc per class (fraction)']
    assert {k for _, _, k in per_class} == {'acc/Fall', 'acc/No_Fall'}
    # BPM and BPM^2 on their own axes, not with the fractions
    assert [k for _, _, k in panels['hr']] == ['hr/mae']
    assert [k for _, _, k in panels['hr squared error']] == ['hr/mse']


def fake_work_dir(tmp_path, dump_samples, metrics=None):
    work = tmp_path / 'run'
    vis = work / '20261202_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (work / 'training_history.json').write_text(json.dumps(history()))
    lines = [dict(lr=1e-3 / (1 + i), loss=1.0 / (1 + i),
                  loss_cls=0.8 / (1 + i), step=10 * (i + 1))
             for i in range(6)] + [{'acc/top1': 0.7, 'step': 1}]
    (vis / 'scalars.json').write_text(
        '\n'.join(json.dumps(line) for line in lines))
    (vis / 'config.py').write_text(
        "model = dict(type='PoseAEClassifier', backbone=dict("
        "type='PoseAutoencoder'))\n"
        "optim_wrapper = dict(optimizer=dict(type='Adam', lr=0.001))\n"
        "train_cfg = dict(max_epochs=6)\n"
        "custom_hooks = [dict(type='StagedUnfreezeHook', stages=["
        "dict(begin=0, trainable=['cls_head']), dict(begin=3, "
        "trainable=['*'])])]\n")
    (work / 'best_acc_top1_epoch_5.pth').write_bytes(b'')
    (work / 'test_metrics.json').write_text(json.dumps(metrics or {
        'acc/top1': 0.75}))
    with open(work / 'test_predictions.pkl', 'wb') as f:
        pickle.dump(dump_samples, f)
    return work


def test_classification_report(tmp_path):
    rng = np.random.default_rng(0)
    samples = [dict(pred_label=torch.tensor([int(p)]),
                    gt_label=torch.tensor(int(g)),
                    pred_score=torch.tensor([0.5, 0.5]))
               for p, g in zip(rng.integers(0, 2, 20),
                               rng.integers(0, 2, 20))]
    work = fake_work_dir(tmp_path, samples)
    report = write_report(str(work))
    out = work / 'report'
    text = (out / 'report.md').read_text()
    for png in ('training_curves.png', 'iterations.png',
                'confusion_matrix.png'):
        assert (out / png).read_bytes()[:8] == PNG_MAGIC
        assert f']({png})' in text
    assert report == str(out / 'report.md')
    assert 'best_acc_top1_epoch_5.pth` (epoch 5)' in text
    assert 'from epoch 4: *' in text  # unfreezing stages, 1-based
    assert '| acc/top1 | 0.8000 | 0.8000 (6) |' in text
    # 7 panels (loss, acc, acc per class, f1, hr, hr mse, lr), 2 columns
    width, height = Image.open(out / 'training_curves.png').size
    assert height > width / 2


def test_settings_from_the_training_run_and_class_names(tmp_path,
                                                       monkeypatch):
    """tools/test.py leaves a newer folder whose config names the tested
    checkpoint and lacks the training's --cfg-options: the report reads
    the training's; the confusion matrix names the dataset's classes."""
    import os
    samples = [dict(pred_label=torch.tensor([p]), gt_label=torch.tensor(g))
               for p, g in ((0, 0), (1, 1), (1, 0))]
    work = fake_work_dir(tmp_path, samples)
    train_cfg = work / '20261202_000000' / 'vis_data' / 'config.py'
    train_cfg.write_text(train_cfg.read_text() + (
        "load_from = 'pretrained_kth.pth'\n"
        "test_dataloader = dict(dataset=dict(type='KagglePoseDataset'))\n"))
    test_vis = work / '20261202_000100' / 'vis_data'
    test_vis.mkdir(parents=True)
    (test_vis / 'config.py').write_text(
        "load_from = 'run/best_acc_top1_epoch_5.pth'\n"
        "train_cfg = dict(max_epochs=30)\n")
    os.utime(test_vis / 'config.py', (2e9, 2e9))  # the newest file
    drawn = {}
    import ftplugin.visualization.run_report as run_report
    real = run_report.plot_confusion_matrix

    def spy(matrix, classes, out_file, **kwargs):
        drawn['classes'] = classes
        return real(matrix, classes, out_file, **kwargs)

    monkeypatch.setattr(run_report, 'plot_confusion_matrix', spy)
    with open(write_report(str(work))) as f:
        text = f.read()
    assert '| load_from (pretrained) | pretrained_kth.pth |' in text
    assert '| epochs | 6 |' in text
    assert drawn['classes'] == ['No_Fall', 'Fall']


def test_heart_rate_and_detection_report(tmp_path):
    gt = torch.full((30, 1), 140.0)
    samples = [dict(pred_hr=gt + k, gt_hr=gt,
                    mask=torch.arange(30) < 20 + k) for k in range(4)]
    work = fake_work_dir(tmp_path, samples, metrics={
        'mAP/overall': 0.5, 'AP/stand': 0.7, 'AP/walk': 0.3})
    write_report(str(work), out_dir=str(tmp_path / 'r'))
    text = (tmp_path / 'r' / 'report.md').read_text()
    assert '](error_by_step.png)' in text and '](ap_per_class.png)' in text
    assert 'confusion_matrix.png' not in text
    for png in ('error_by_step.png', 'ap_per_class.png'):
        assert (tmp_path / 'r' / png).read_bytes()[:8] == PNG_MAGIC


def test_detection_summaries_are_not_classes(tmp_path, monkeypatch):
    import ftplugin.visualization.run_report as run_report
    drawn = {}
    real = run_report.plot_per_class_ap

    def spy(ap, out_file, baseline=None):
        drawn.update(ap=ap, baseline=baseline)
        return real(ap, out_file, baseline=baseline)

    monkeypatch.setattr(run_report, 'plot_per_class_ap', spy)
    work = fake_work_dir(tmp_path, [], metrics={
        'mAP/overall': 0.5, 'mAP/stand': 0.7, 'mAP/walk': 0.3,
        'mAP/constant_baseline': 0.4, 'mAP/classes_without_gt': 1})
    write_report(str(work))
    assert drawn['ap'] == {'stand': 0.7, 'walk': 0.3}
    assert drawn['baseline'] == 0.4


def test_not_a_work_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match='not a training'):
        write_report(str(tmp_path))


def test_stages_given_as_fractions_or_ended_by_a_plateau():
    from ftplugin.visualization.run_report import _stages_text
    hook = dict(type='StagedUnfreezeHook', stages=[
        dict(trainable=['head']), dict(begin=1 / 6, trainable=['*']),
        dict(trainable=['*'], lr_mult=0.1)])
    assert _stages_text(hook, 60) == (
        'from epoch 1: head; from epoch 11: *; when the previous stage '
        'ends: *')
