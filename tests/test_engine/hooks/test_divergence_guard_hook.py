"""DivergenceGuardHook: a diverging run stops at once with a message naming
where and the loss terms, and last_checkpoint stays on a finite checkpoint."""
import copy
import math
import os.path as osp
import types

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.testing import RunnerTestCase

from ftplugin.checkpoint import safe_torch_load
from ftplugin.engine.hooks import DivergenceError, DivergenceGuardHook


def fake_runner(name):
    hub = MessageHub.get_instance(f'guard_{name}')
    hub.update_info('last_ckpt', 'work_dirs/run/epoch_1.pth')
    return types.SimpleNamespace(epoch=1, iter=7, work_dir='work_dirs/run',
                                 message_hub=hub)


def test_finite_losses_pass_and_nan_stops_with_the_terms():
    hook = DivergenceGuardHook()
    runner = fake_runner('nan')
    hook.after_train_iter(runner, 0, outputs=dict(
        loss=torch.tensor(1.0), loss_cls=torch.tensor(0.5), top1_acc=0.5))
    with pytest.raises(DivergenceError) as err:
        hook.after_train_iter(runner, 3, outputs=dict(
            loss=torch.tensor(math.nan), loss_cls=torch.tensor(0.7),
            loss_recon=torch.tensor(math.inf)))
    message = str(err.value)
    assert 'epoch 2, iteration 8' in message
    assert 'loss=nan' in message and 'loss_recon=inf' in message
    assert 'loss_cls=0.7' in message
    assert 'last_checkpoint names work_dirs/run/epoch_1.pth' in message


def test_grad_norm_and_max_loss():
    runner = fake_runner('grad')
    runner.message_hub.update_scalar('train/grad_norm', math.inf)
    with pytest.raises(DivergenceError, match='non-finite grad_norm'):
        DivergenceGuardHook().after_train_iter(
            runner, 0, outputs=dict(loss=torch.tensor(1.0)))
    DivergenceGuardHook(check_grad_norm=False).after_train_iter(
        runner, 0, outputs=dict(loss=torch.tensor(1.0)))
    runner = fake_runner('max_loss')
    guard = DivergenceGuardHook(max_loss=100.0)
    guard.after_train_iter(runner, 0, outputs=dict(loss=torch.tensor(99.0)))
    with pytest.raises(DivergenceError, match='loss 100000 > max_loss 100'):
        guard.after_train_iter(runner, 0,
                               outputs=dict(loss=torch.tensor(1e5)))


def test_non_finite_metric_stops():
    runner = fake_runner('metric')
    DivergenceGuardHook().after_val_epoch(runner, {'acc/top1': 0.5})
    with pytest.raises(DivergenceError, match='hr/mae'):
        DivergenceGuardHook().after_val_epoch(runner, {'hr/mae': math.nan})


class TestDivergenceGuardOnToyRunner(RunnerTestCase):
    """mmengine's toy runner, whose lr becomes absurd (x1e36) from epoch 2:
    the guard stops the run in epoch 2, and the last checkpoint (epoch 1)
    is finite."""

    def test_diverging_run_stops_and_keeps_the_last_good_checkpoint(self):
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg.max_epochs = 3
        cfg.param_scheduler = [dict(type='MultiStepLR', milestones=[1],
                                    gamma=1e36, by_epoch=True)]
        cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                            interval=1)
        cfg.custom_hooks = [dict(type='mmaction.DivergenceGuardHook')]
        runner = self.build_runner(cfg)
        with pytest.raises(DivergenceError, match='at epoch 2, iteration'):
            runner.train()
        work = runner.work_dir
        assert osp.isfile(osp.join(work, 'epoch_1.pth'))
        assert not osp.exists(osp.join(work, 'epoch_2.pth'))
        state = safe_torch_load(osp.join(work, 'epoch_1.pth'))['state_dict']
        assert all(torch.isfinite(v).all() for v in state.values()
                   if v.is_floating_point())

    def test_without_the_guard_the_run_goes_on(self):
        """The toy setting does diverge: without the hook nothing stops it
        (so the test above can fail)."""
        cfg = copy.deepcopy(self.epoch_based_cfg)
        cfg.train_cfg.max_epochs = 2
        cfg.param_scheduler = [dict(type='MultiStepLR', milestones=[1],
                                    gamma=1e36, by_epoch=True)]
        runner = self.build_runner(cfg)
        runner.train()
        weights = [p for p in runner.model.parameters()]
        assert not all(torch.isfinite(w).all() for w in weights)
