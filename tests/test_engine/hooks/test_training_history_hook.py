"""TrainingHistoryHook: on the session's training run and on a stub runner."""
import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmaction.registry import HOOKS
from mmengine.config import Config

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def read_history(work_dir):
    with open(work_dir / 'training_history.json') as f:
        return json.load(f)


def test_history_of_the_finetuning_run(trained_runs, repo_root, tool_cfg):
    history = read_history(trained_runs.finetune_dir)
    assert [h['epoch'] for h in history] == [1, 2]
    for entry in history:
        assert isinstance(entry['lr'], float) and entry['lr'] > 0
        train = entry['train']
        for key in ('loss_cls', 'loss_recon', 'loss'):
            assert isinstance(train[key], float) and np.isfinite(train[key])
        # mmengine's total loss is the sum of the parts
        assert train['loss'] == pytest.approx(
            train['loss_cls'] + train['loss_recon'], rel=1e-5)
        assert 0.0 <= entry['val']['acc/top1'] <= 1.0
        assert np.asarray(entry['val']['confusion_matrix']).shape == (2, 2)
    # the config's lr is the one the optimizer used in the first epoch
    cfg = Config.fromfile(str(repo_root / tool_cfg.finetune))
    assert history[0]['lr'] == pytest.approx(cfg.optim_wrapper.optimizer.lr)
    curves = trained_runs.finetune_dir / 'training_curves.png'
    assert curves.read_bytes()[:8] == PNG_MAGIC


def test_history_of_the_pretraining_run(trained_runs):
    history = read_history(trained_runs.pretrain_dir)
    assert [h['epoch'] for h in history] == [1]
    assert set(history[0]['train']) >= {'loss_recon'}
    assert 'recon/mse' in history[0]['val']
    assert isinstance(history[0]['lr'], float)


def test_history_matches_scalars_log(trained_runs):
    """The val metrics in the history are the ones mmengine logged."""
    scalars = list(trained_runs.finetune_dir.glob('*/vis_data/scalars.json'))
    assert len(scalars) == 1
    lines = [json.loads(line) for line in scalars[0].read_text().splitlines()
             if line.strip()]
    val = [line for line in lines if 'acc/top1' in line]
    history = read_history(trained_runs.finetune_dir)
    assert [v['acc/top1'] for v in val] == pytest.approx(
        [h['val']['acc/top1'] for h in history])


def stub_runner(tmp_path, epoch=0, lr=(0.01, 0.03), infos=None):
    """What the hook reads from a runner."""
    infos = {} if infos is None else infos
    wrapper = SimpleNamespace(get_lr=lambda: {'lr': list(lr)})
    dataset = SimpleNamespace(metainfo=dict(classes=('No_Fall', 'Fall')))
    hub = SimpleNamespace(
        get_info=lambda key, default=None: infos.get(key, default))
    return SimpleNamespace(
        work_dir=str(tmp_path), epoch=epoch, optim_wrapper=wrapper,
        message_hub=hub, test_dataloader=SimpleNamespace(dataset=dataset),
        rank=0)


def test_hook_epoch_means_and_lr(tmp_path):
    hook = HOOKS.build(dict(type='TrainingHistoryHook'))
    runner = stub_runner(tmp_path)
    losses = [torch.tensor(1.0), torch.tensor(2.0), torch.tensor(4.5)]
    for i, loss in enumerate(losses):
        hook.after_train_iter(runner, i, outputs=dict(loss=loss, acc=0.5))
    hook.after_train_epoch(runner)
    hook.after_val_epoch(runner, metrics={'acc/top1': np.float64(0.75),
                                          'cm': np.eye(2, dtype=int)})
    runner.epoch = 1
    hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(3.0)))
    hook.after_train_epoch(runner)
    history = read_history(tmp_path)
    assert [h['epoch'] for h in history] == [1, 2]
    assert history[0]['train']['loss'] == pytest.approx(7.5 / 3)
    assert history[0]['train']['acc'] == pytest.approx(0.5)
    assert history[1]['train'] == {'loss': pytest.approx(3.0)}
    assert history[0]['lr'] == pytest.approx(0.02)
    assert history[0]['val'] == {'acc/top1': 0.75, 'cm': [[1, 0], [0, 1]]}
    assert history[1]['val'] == {}
    # plotted at the end of training (throttled during it)
    assert not (tmp_path / 'training_curves.png').exists()
    hook.after_train(runner)
    assert (tmp_path / 'training_curves.png').read_bytes()[:8] == PNG_MAGIC


def test_hook_writes_once_per_epoch_after_its_validation(tmp_path,
                                                        monkeypatch):
    hook = HOOKS.build(dict(type='TrainingHistoryHook'))
    runner = stub_runner(tmp_path)
    # validation after epochs 2 and 3 (the last) only
    runner.train_loop = SimpleNamespace(val_begin=1, val_interval=2,
                                        max_epochs=3)
    runner.val_loop = object()
    writes = []
    real_write = type(hook)._write.__wrapped__

    def counting_write(self, runner, plot=False):
        writes.append(runner.epoch)
        real_write(self, runner, plot)

    monkeypatch.setattr(type(hook), '_write', counting_write)
    for epoch in range(3):
        runner.epoch = epoch
        hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(1.)))
        before = len(writes)
        hook.after_train_epoch(runner)
        if epoch in (1, 2):
            assert len(writes) == before  # waits for the validation
            runner.epoch = epoch + 1  # the loop increments before val
            hook.after_val_epoch(runner, metrics={'acc/top1': 0.5})
    assert writes == [0, 2, 3]
    history = read_history(tmp_path)
    assert [h['val'] for h in history] == [{}, {'acc/top1': 0.5},
                                           {'acc/top1': 0.5}]


def test_hook_records_the_training_stage(tmp_path):
    hook = HOOKS.build(dict(type='TrainingHistoryHook'))
    infos = {}
    runner = stub_runner(tmp_path, infos=infos)
    hook.after_train_epoch(runner)
    infos['train_stage'] = 1
    runner.epoch = 1
    hook.after_train_epoch(runner)
    history = read_history(tmp_path)
    assert 'stage' not in history[0]
    assert history[1]['stage'] == 1


def test_hook_resume_keeps_earlier_epochs(tmp_path):
    old = [dict(epoch=e, train={'loss': float(e)}, val={}, lr=0.1)
           for e in (1, 2, 3)]
    (tmp_path / 'training_history.json').write_text(json.dumps(old))
    hook = HOOKS.build(dict(type='TrainingHistoryHook'))
    runner = stub_runner(tmp_path, epoch=2)  # resumed after epoch 2
    hook.before_train(runner)
    hook.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(9.0)))
    hook.after_train_epoch(runner)
    history = read_history(tmp_path)
    assert [h['epoch'] for h in history] == [1, 2, 3]
    assert history[:2] == old[:2]
    assert history[2]['train']['loss'] == 9.0


def test_hook_fresh_run_ignores_old_file(tmp_path):
    (tmp_path / 'training_history.json').write_text(json.dumps(
        [dict(epoch=1, train={}, val={}, lr=0.1)]))
    hook = HOOKS.build(dict(type='TrainingHistoryHook'))
    runner = stub_runner(tmp_path, epoch=0)
    hook.before_train(runner)
    hook.after_train_epoch(runner)
    assert [h['epoch'] for h in read_history(tmp_path)] == [1]


def test_hook_test_report(tmp_path):
    hook = HOOKS.build(dict(type='TrainingHistoryHook'))
    runner = stub_runner(tmp_path)
    hook.after_test_epoch(runner, metrics={
        'acc/top1': np.float32(0.5), 'confusion_matrix': [[3, 1], [2, 2]]})
    metrics = json.loads((tmp_path / 'test_metrics.json').read_text())
    assert metrics == {'acc/top1': 0.5, 'confusion_matrix': [[3, 1], [2, 2]]}
    assert (tmp_path / 'confusion_matrix.png').read_bytes()[:8] == PNG_MAGIC
