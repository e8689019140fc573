"""Train -> test --dump -> confusion matrix -> ONNX on generated recordings,
through the repository's tools; and the SlowFast R50 config on CPU.

Expected metrics are recomputed here from the dumped predictions.
"""
import json
import pickle

import matplotlib.image as mpimg
import numpy as np
import pytest
import torch
from mmengine.config import Config

# its module fixtures train once: every test of the module on one
# pytest-xdist worker (make test runs --dist loadgroup), and first
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('thermal_pipeline')]

CPU_CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'
SLOWFAST_CFG = 'configs/thermal/slowfast_r50_thermal_finetune.py'


def data_options(root):
    return [f'{s}_dataloader.dataset.data_root={root}'
            for s in ('train', 'val', 'test')]


def serial(*splits):
    """Load in the main process: worker start-up costs more here."""
    return [f'{s}_dataloader.{k}' for s in splits
            for k in ('num_workers=0', 'persistent_workers=False')]


@pytest.fixture(scope='module')
def trained(thermal_gen, run_tool, tmp_path_factory):
    work = tmp_path_factory.mktemp('thermal_run')
    run_tool(['tools/train.py', CPU_CFG, '--work-dir', work, '--seed', '0',
              '--cfg-options', 'train_cfg.max_epochs=1'] + serial('train',
                                                                  'val') +
             data_options(thermal_gen))
    (best, ) = work.glob('best_acc_mean_class_epoch_*.pth')
    dump = work / 'preds.pkl'
    run_tool(['tools/test.py', CPU_CFG, best, '--work-dir', work, '--dump',
              dump, '--cfg-options'] + serial('test') +
             data_options(thermal_gen))
    return work, best, dump


def test_train_and_test_report_the_metrics(trained):
    work, _, dump = trained
    history = json.loads((work / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1]
    for key in ('acc/top1', 'acc/top3', 'acc/mean_class'):
        assert key in history[0]['val']
    metrics = json.loads((work / 'test_metrics.json').read_text())
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    truth = np.array([int(r['gt_label']) for r in results])
    scores = np.stack([np.asarray(r['pred_score']) for r in results])
    assert scores.shape[1] == 14
    preds = scores.argmax(1)
    assert metrics['acc/top1'] == pytest.approx((preds == truth).mean())
    top3 = np.argsort(-scores, 1)[:, :3]
    assert metrics['acc/top3'] == pytest.approx(
        np.mean([t in row for t, row in zip(truth, top3)]))
    recalls = [(preds[truth == c] == c).mean() for c in np.unique(truth)]
    assert metrics['acc/mean_class'] == pytest.approx(np.mean(recalls))
    assert (work / 'confusion_matrix.png').is_file()


def test_confusion_matrix_tool_on_the_dump(trained, thermal_gen, run_tool):
    work, _, dump = trained
    out = work / 'report'
    proc = run_tool([
        'tools/analysis/confusion_matrix.py', dump, '--class-mapping',
        thermal_gen / 'annotations' / 'class_mapping.json', '--out-dir',
        out])
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    truth = [int(r['gt_label']) for r in results]
    preds = [int(r['pred_label']) for r in results]
    report = json.loads((out / 'classification_report.json').read_text())
    counts = np.zeros((14, 14), int)
    for t, p in zip(truth, preds):
        counts[t, p] += 1
    assert report['confusion_matrix'] == counts.tolist()
    image = mpimg.imread(out / 'confusion_matrix.png')
    assert image.ndim == 3 and min(image.shape[:2]) > 300
    text = (out / 'classification_report.txt').read_text()
    classes = json.loads(
        (thermal_gen / 'annotations' / 'class_mapping.json').read_text())[
            'classes']
    assert all(classes[c] in text for c in set(truth))
    # the report covers the classes that occur (true or predicted)
    used = sorted(set(truth) | set(preds))
    recalls = [counts[c, c] / counts[c].sum() if counts[c].sum() else 0.0
               for c in used]
    assert report['report']['macro avg']['recall'] == pytest.approx(
        np.mean(recalls))
    assert 'written:' in proc.stdout


def test_onnx_export_matches_predict(trained, thermal_gen, run_tool,
                                     repo_root, build_thermal):
    import onnxruntime as ort
    from mmaction.registry import MODELS

    from ftplugin.checkpoint import load_pretrained
    work, best, _ = trained
    onnx_file = work / 'model.onnx'
    proc = run_tool(['tools/deployment/export_onnx.py', CPU_CFG, best,
                     '--output-file', onnx_file, '--verify'])
    assert '"passed": true' in proc.stdout
    cfg = Config.fromfile(str(repo_root / CPU_CFG))
    model = MODELS.build(cfg.model).eval()
    load_pretrained(model, str(best))
    ds = build_thermal(thermal_gen, ann='annotations/val.json',
                       pipeline=cfg.test_dataloader.dataset.pipeline)
    batch = [ds[i] for i in range(3)]
    data = model.data_preprocessor(
        dict(inputs=[b['inputs'] for b in batch],
             data_samples=[b['data_samples'] for b in batch]), False)
    with torch.no_grad():
        expected = torch.stack([
            s.pred_score for s in model(**data, mode='predict')])
    session = ort.InferenceSession(str(onnx_file),
                                   providers=['CPUExecutionProvider'])
    (got, ) = session.run(None, {'clips': data['inputs'].numpy()})
    assert got.shape == (3, 14)
    np.testing.assert_allclose(got, expected.numpy(), atol=1e-4)


def test_confusion_matrix_tool_refuses_bad_dumps(run_tool, tmp_path):
    bad = tmp_path / 'bad.pkl'
    with open(bad, 'wb') as f:
        pickle.dump([dict(pred_label=torch.tensor(1))], f)
    proc = run_tool(['tools/analysis/confusion_matrix.py', bad],
                    check=False)
    assert proc.returncode != 0 and 'gt_label' in proc.stdout


def test_slowfast_finetune_config_runs_one_iteration(
        thermal_gen, repo_root, tmp_path):
    """The seed's SlowFast R50 config on CPU: loads a (small) Kinetics-style
    checkpoint through load_from, skips its 400-class head, trains one
    iteration on a tiny input with the backbone at 0.1 x the lr."""
    from mmaction.registry import MODELS, RUNNERS
    cfg = Config.fromfile(str(repo_root / SLOWFAST_CFG))
    # a stand-in for the model-zoo file (no internet here): the whole
    # backbone (load_cfg.required) and a 400-class classifier, as mmaction2
    # saves them (fp16: half the file)
    k400 = MODELS.build(dict(cfg.model, cls_head=dict(
        cfg.model.cls_head, num_classes=400)))
    state = {k: v.half() if v.is_floating_point() else v
             for k, v in k400.state_dict().items()}
    ckpt = tmp_path / 'k400.pth'
    torch.save(dict(meta=dict(), state_dict=state), ckpt)
    small = [dict(type='Resize', scale=(48, 32), keep_ratio=False),
             dict(type='FormatShape', input_format='NCTHW'),
             dict(type='PackActionInputs')]
    cfg.merge_from_dict({
        'work_dir': str(tmp_path / 'work'), 'load_from': str(ckpt),
        'train_dataloader.batch_size': 2,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'train_dataloader.dataset.data_root': str(thermal_gen),
        'train_dataloader.dataset.clip_len': 16,
        'train_dataloader.dataset.indices': 2,
        'train_dataloader.dataset.pipeline': small,
        'train_cfg.max_epochs': 1,
        'default_hooks.checkpoint': None,
        'default_hooks.logger': None,
    })
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.history = None
    runner = RUNNERS.build(cfg)
    head_before = runner.model.cls_head.fc_cls.weight.detach().clone()
    stem_before = runner.model.backbone.slow_path.conv1.conv.weight.clone()
    runner.train()
    report = runner.load_report
    assert report.shape_skipped['cls_head.fc_cls.weight'] == ((400, 2304),
                                                              (14, 2304))
    assert 'backbone.slow_path.conv1.conv.weight' in report.loaded
    assert runner.iter == 1
    model = runner.model
    assert model.cls_head.fc_cls.out_features == 14
    assert model.cls_head.dropout.p == 0.8
    assert not torch.equal(model.cls_head.fc_cls.weight, head_before)
    assert not torch.equal(model.backbone.slow_path.conv1.conv.weight,
                           stem_before)
    groups = runner.optim_wrapper.optimizer.param_groups
    head_ids = {id(p) for p in model.cls_head.parameters()}
    base = runner.optim_wrapper.optimizer.defaults['lr']
    for group in groups:
        is_head = id(group['params'][0]) in head_ids
        ratio = group['lr'] / group['initial_lr']  # the warm-up factor
        assert group['initial_lr'] == pytest.approx(
            base if is_head else 0.1 * base)
        assert ratio < 0.5  # warming up (10 epochs of 1 iteration here)
    weights = model.cls_head.loss_cls.class_weight
    assert weights.shape == (14, ) and weights.max() > 10


def test_every_thermal_config_builds(repo_root):
    from mmaction.registry import HOOKS, MODELS
    # the self-supervised pretraining configs have no labels (tested in
    # test_thermal_ssl.py)
    paths = sorted(p for p in (repo_root / 'configs' / 'thermal').glob('*.py')
                   if not p.name.endswith('_ssl_pretrain.py'))
    assert len(paths) >= 4
    for path in paths:
        cfg = Config.fromfile(str(path))
        assert cfg.default_scope == 'mmaction'
        assert cfg.train_dataloader.dataset.type == 'ThermalHDF5Dataset'
        assert cfg.val_evaluator.topk == (1, 3)
        for name, hook in cfg.default_hooks.items():
            if name not in ('runtime_info', 'timer', 'logger',
                            'param_scheduler', 'checkpoint', 'sampler_seed'):
                HOOKS.build(hook)
        if 'slowfast' not in path.name:  # R50 builds are checked above
            model = MODELS.build(cfg.model)
            assert model.cls_head.num_classes == 14
    focal = Config.fromfile(str(
        repo_root / 'configs/thermal/slowonly_r18_thermal_20e_focal-loss.py'))
    loss = MODELS.build(focal.model.cls_head.loss_cls)
    assert type(loss).__name__ == 'FocalLoss' and loss.gamma == 2.0
