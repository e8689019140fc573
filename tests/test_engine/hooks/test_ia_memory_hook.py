"""IAMemoryHook: fills the test memory from the evaluated loader before the
epoch and empties it after; saves the training memory with checkpoints and
restores it on --resume only; does nothing without IA memory."""
from types import SimpleNamespace
from unittest import mock

import torch

from ftplugin.engine.hooks import IAMemoryHook
# the tiny detector of the model tests
from tiny_roi_detector import MEMORY_IA, batch, detector


def runner_of(model, resume=False):
    loader = [batch([('v', 1), ('v', 2)], (2, 1), seed=1, test=True),
              batch([('w', 1)], (1, ), seed=2, test=True)]
    return SimpleNamespace(model=model, val_dataloader=loader,
                           test_dataloader=loader[:1], logger=mock.Mock(),
                           _resume=resume)


def test_test_memory_filled_before_and_emptied_after_each_epoch():
    model = detector(ia=MEMORY_IA)
    runner, hook = runner_of(model), IAMemoryHook()
    model.train()
    hook.before_val_epoch(runner)
    ia = model.ia
    assert ia.test_memory_ready and not model.training
    assert len(ia.test_memory_pool) == 3
    assert ia.test_memory_pool.get('v', 1)[0].shape == (2, 8)
    assert len(ia.memory_pool) == 0  # the training pool is not touched
    hook.after_val_epoch(runner, {})
    assert not ia.test_memory_ready and len(ia.test_memory_pool) == 0
    hook.before_test_epoch(runner)
    assert len(ia.test_memory_pool) == 2
    hook.after_test_epoch(runner, {})
    assert len(ia.test_memory_pool) == 0


def test_training_memory_saved_and_restored_on_resume_only():
    model = detector(ia=MEMORY_IA)
    model.ia.write_memory(['v'], [3], [torch.randn(2, 8)], loss=0.5)
    checkpoint = {}
    IAMemoryHook().before_save_checkpoint(runner_of(model), checkpoint)
    saved = checkpoint['ia_memory']
    assert saved['last_loss'] == 0.5 and len(saved['pool']['entries']) == 1
    fresh = detector(ia=MEMORY_IA)
    IAMemoryHook().after_load_checkpoint(runner_of(fresh), checkpoint)
    assert len(fresh.ia.memory_pool) == 0  # load_from / test: weights only
    IAMemoryHook().after_load_checkpoint(runner_of(fresh, resume=True),
                                         checkpoint)
    assert torch.equal(fresh.ia.memory_pool.get('v', 3)[0],
                       model.ia.memory_pool.get('v', 3)[0])
    assert fresh.ia.last_loss == 0.5
    runner = runner_of(detector(ia=MEMORY_IA), resume=True)
    IAMemoryHook().after_load_checkpoint(runner, {})
    assert 'no IA memory' in runner.logger.warning.call_args[0][0]


def test_nothing_without_ia_memory():
    for model in (detector(), detector(ia=dict(
            inner_channels=8, structure='serial', blocks=['P']))):
        runner, checkpoint = runner_of(model), {}
        hook = IAMemoryHook()
        hook.before_val_epoch(runner)
        hook.before_save_checkpoint(runner, checkpoint)
        assert checkpoint == {} and not runner.logger.info.called
