"""DivergenceGuardHook: a diverging run stops at once with a message naming
where and the loss terms, and last_checkpoint stays on a finite checkpoint."""
import math
import types

import pytest
import torch
from mmengine.logging import MessageHub

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


# epoch 1 trains at lr 1e-3; from epoch 2 the lr is absurd (1e33)
EXPLODING = '''
_base_ = [{base!r}]
param_scheduler = [dict(type='MultiStepLR', milestones=[1], gamma=1e36,
                        by_epoch=True)]
'''


@pytest.mark.slow
def test_diverging_run_stops_and_keeps_the_last_good_checkpoint(
        repo_root, generated_data, run_tool, tmp_path):
    cfg = tmp_path / 'exploding.py'
    cfg.write_text(EXPLODING.format(base=str(
        repo_root / 'configs/kaggle_pose/pose_ae_kaggle_finetune.py')))
    work = tmp_path / 'work'
    data = generated_data / 'kaggle_fall'
    proc = run_tool(['tools/train.py', cfg, '--work-dir', work, '--seed',
                     '0', '--cfg-options', 'train_cfg.max_epochs=3',
                     # from random weights: the test has no pretraining
                     'load_cfg=None', 'train_dataloader.batch_size=8'] +
                    [f'{s}_dataloader.dataset.data_root={data}'
                     for s in ('train', 'val', 'test')], check=False)
    assert proc.returncode != 0
    assert 'DivergenceError: Training diverged (non-finite' in proc.stdout
    assert 'at epoch 2, iteration' in proc.stdout, proc.stdout[-3000:]
    assert 'loss_cls=' in proc.stdout and 'loss_recon=' in proc.stdout
    last = (work / 'last_checkpoint').read_text().strip()
    assert last.endswith('epoch_1.pth')
    assert not (work / 'epoch_2.pth').exists()
    state = safe_torch_load(last)['state_dict']
    assert all(torch.isfinite(v).all() for v in state.values()
               if v.is_floating_point())
