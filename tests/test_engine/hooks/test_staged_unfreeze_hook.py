"""StagedUnfreezeHook on mmengine's toy runner (``RunnerTestCase``: a
2-2-1 linear model, 12 samples, batch 3): stages by epoch and by fraction of
the run, lr multipliers, a plateau transition on a scripted validation
sequence, a per-stage cap, best-of-stage restore, automatic stages, bad
patterns; and a run killed inside stage 2 of a plateau-driven schedule that
resumes (``--resume``, another process) to the same final weights."""
import copy

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.testing import RunnerTestCase

from exact_resume import assert_bit_identical, kill_and_resume
from toy_runner import toy_cfg

from ftplugin.engine.hooks import StagedUnfreezeHook

LR = 0.1


class Recorder(Hook):
    """Per epoch: the trainable set and lrs once the stage is applied, the
    weights at the epoch's start (after any restore) and at its end."""
    priority = 'LOWEST'

    def __init__(self):
        self.trainable, self.lr, self.start, self.end = {}, {}, {}, {}

    def before_train_epoch(self, runner):
        model = runner.model
        self.trainable[runner.epoch] = sorted(
            n for n, p in model.named_parameters() if p.requires_grad)
        self.lr[runner.epoch] = [
            g['lr'] for g in runner.optim_wrapper.optimizer.param_groups]
        self.start[runner.epoch] = copy.deepcopy(model.state_dict())

    def after_train_epoch(self, runner):
        self.end[runner.epoch] = copy.deepcopy(runner.model.state_dict())


def unfreeze(stages, **kwargs):
    return dict(type='mmaction.StagedUnfreezeHook', stages=stages, **kwargs)


class TestStagedUnfreezeHook(RunnerTestCase):

    def train(self, hooks, script=(1, ) * 10, max_epochs=4):
        cfg = toy_cfg(self.epoch_based_cfg, script, max_epochs, hooks)
        cfg.optim_wrapper = dict(optimizer=dict(type='SGD', lr=LR))
        runner = self.build_runner(cfg)
        recorder = Recorder()
        runner.register_hook(recorder)
        runner.train()
        return runner, recorder

    def test_fixed_and_fractional_begins_and_lr_mult(self):
        _, rec = self.train([unfreeze([
            dict(trainable=['linear2']),
            dict(begin=0.5, trainable=['*'], lr_mult=0.1)])])
        head = ['linear2.bias', 'linear2.weight']
        every = sorted(head + ['linear1.bias', 'linear1.weight'])
        # half of 4 epochs: stage 2 from the 3rd
        assert [rec.trainable[e] for e in range(4)] == [head, head, every,
                                                         every]
        assert [rec.lr[e][0] for e in range(4)] == pytest.approx(
            [LR, LR, LR * 0.1, LR * 0.1])
        # frozen weights do not move, thawed ones do
        assert torch.equal(rec.end[1]['linear1.weight'],
                           rec.start[0]['linear1.weight'])
        assert not torch.equal(rec.end[1]['linear2.weight'],
                               rec.start[0]['linear2.weight'])
        assert not torch.equal(rec.end[3]['linear1.weight'],
                               rec.start[2]['linear1.weight'])

    def test_plateau_transition_fires_at_the_scripted_epoch(self):
        # best 4 after epoch 2; 4.5 and 4.2 are no gain of more than 0.1:
        # the 2nd validation without one (after epoch 4) ends stage 1
        script = [5, 4, 4.5, 3.95, 3, 2, 1, 1]
        runner, rec = self.train([unfreeze(
            [dict(trainable=['linear2']), dict(trainable=['*'])],
            monitor='score', rule='less', patience=2, min_delta=0.1)],
            script=script, max_epochs=6)
        stage = [len(rec.trainable[e]) for e in range(6)]
        assert stage == [2, 2, 2, 2, 4, 4]
        hook = next(h for h in runner.hooks
                    if isinstance(h, StagedUnfreezeHook))
        assert hook.schedule.index == 1 and hook.schedule.start == 4

    def test_cap_ends_a_stage_that_keeps_improving(self):
        script = [5, 4, 3, 2, 1, 0.5]
        _, rec = self.train([unfreeze(
            [dict(trainable=['linear2'], max_epochs=3),
             dict(trainable=['*'])],
            monitor='score', rule='less', patience=2)],
            script=script, max_epochs=5)
        assert [len(rec.trainable[e]) for e in range(5)] == [2, 2, 2, 4, 4]

    def test_best_of_stage_restore_loads_exactly_the_best_epoch(self):
        # stage 1's best is after epoch 2 (score 9); it ends after epoch 4
        script = [3, 9, 5, 4, 6, 6]
        runner, rec = self.train([unfreeze(
            [dict(trainable=['linear2']), dict(trainable=['*'])],
            monitor='score', rule='greater', patience=2,
            restore_best=True)], script=script, max_epochs=5)
        best, restored = rec.end[1], rec.start[4]
        assert all(torch.equal(best[k], v) for k, v in restored.items())
        # and that is not what epoch 4 left
        assert not torch.equal(rec.end[3]['linear2.weight'],
                               restored['linear2.weight'])
        assert len(rec.trainable[4]) == 4

    def test_auto_stages_thaw_from_the_top(self):
        _, rec = self.train([unfreeze('auto', num_stages=2)], max_epochs=2)
        assert rec.trainable[0] == ['linear2.bias', 'linear2.weight']
        assert len(rec.trainable[1]) == 4

    def test_a_pattern_that_matches_nothing_is_refused(self):
        cfg = toy_cfg(self.epoch_based_cfg, [1] * 2, 2, [unfreeze(
            [dict(trainable=['linear3'])])])
        runner = self.build_runner(cfg)
        with pytest.raises(ValueError, match=r'stages.0.trainable.*linear3'):
            runner.train()

    def test_an_int_begin_beyond_the_run_is_refused_a_fraction_fits(self):
        cfg = toy_cfg(self.epoch_based_cfg, [1] * 3, 3, [unfreeze(
            [dict(trainable=['linear2']), dict(begin=10, trainable=['*'])])])
        with pytest.raises(ValueError, match=r'stages.1.begin=10 is beyond '
                           r'train_cfg.max_epochs=3'):
            self.build_runner(cfg).train()

    def test_plateau_without_validation_is_refused(self):
        cfg = toy_cfg(self.epoch_based_cfg, [1] * 2, 2, [unfreeze(
            [dict(trainable=['linear2']), dict(trainable=['*'])],
            monitor='score', rule='less', patience=1)])
        cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
        with pytest.raises(ValueError, match='needs validation'):
            self.build_runner(cfg).train()

    def test_more_stages_than_epochs_is_said(self):
        runner, rec = self.train([unfreeze(
            [dict(trainable=['linear2']), dict(begin=0.5, trainable=['*'])])],
            max_epochs=1)
        assert len(rec.trainable) == 1 and len(rec.trainable[0]) == 2
        logged = open(f'{runner.log_dir}/{runner.timestamp}.log').read()
        assert 'stages 2-2 begin at epoch 2 or later' in logged


TOY_CONFIG = '''
_base_ = [{runtime!r}]
model = dict(type='StageToyModel')
train_dataloader = dict(
    dataset=dict(type='FixedToyDataset'), batch_size=3, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    dataset=dict(type='FixedToyDataset'), batch_size=3, num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='ScriptedMetric', script={script})
val_cfg = dict(type='ValLoop')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10, val_interval=1)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
default_hooks = dict(
    checkpoint=dict(save_best='score', rule='less'),
    unfreeze=dict(type='StagedUnfreezeHook', monitor='score', rule='less',
                  patience=2, restore_best=True, stages=[
                      dict(trainable=['linear2']),
                      dict(trainable=['*'], lr_mult=0.5, max_epochs=3),
                      dict(trainable=['*'], lr_mult=0.1)]),
    early_stopping=dict(type='ResumableEarlyStoppingHook', monitor='score',
                        rule='less', patience=1, min_delta=0.0))
'''


@pytest.mark.slow
def test_killed_inside_stage_2_resumes_to_the_same_weights(repo_root,
                                                           tmp_path):
    """Stage 1 plateaus after epoch 4 (best: epoch 2, restored); stage 2
    runs epochs 5-7 (best: epoch 5, restored when its cap ends it); stage
    3 from epoch 8, where the phase-aware early stopping (which ignored
    the worse scores of stages 1 and 2) ends the run after epoch 9 of 10.
    Killed at a random iteration of epochs 5-7 and resumed, the run ends
    bit-identical to the uninterrupted one (the stage, its start, the
    plateau and early-stopping counters and the stage's best weights came
    back)."""
    script = [5, 4, 4.5, 4.2, 2.5, 2.8, 2.9, 2.0, 2.1, 1.0]
    base = tmp_path / 'toy_stages.py'
    base.write_text(TOY_CONFIG.format(
        runtime=str(repo_root / 'configs/_base_/default_runtime.py'),
        script=script))
    toys = open(__import__('toy_runner').__file__).read()
    result = kill_and_resume(
        repo_root, tmp_path, str(base), '', ['train_cfg.max_epochs=10'],
        kill_epochs=(4, 6), extra_plugin=toys)
    history = result['reference_history']
    assert [h['stage'] for h in history] == [1, 1, 1, 1, 2, 2, 2, 3, 3]
    assert 'weights of epoch 2 restored' in result['log'] or \
        result['at_iter']['epoch'] > 4
    assert 'weights of epoch 5 restored' in result['log']
    assert_bit_identical(result)


def test_setup_restores_the_trainable_flags():
    """print_schedule.py applies every stage to check it; the model keeps
    its flags."""
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    model[0].weight.requires_grad = False
    hook = StagedUnfreezeHook([dict(trainable=['1']),
                               dict(begin=1, trainable=['*'])])
    hook.setup(model, 2)
    assert [p.requires_grad for p in model.parameters()] == [
        False, True, True, True]


def _rank(rank: int, port: int, out: str) -> None:
    """One of 2 gloo processes: rank 1 sees a worse score than rank 0."""
    import json
    import types

    import torch.distributed as dist
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}',
                            rank=rank, world_size=2)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    hook = StagedUnfreezeHook([dict(trainable=['1']), dict(trainable=['*'])],
                              monitor='score', rule='less', patience=1)
    hook.setup(model, 4)
    hook.applied = 0
    runner = types.SimpleNamespace(
        epoch=1, model=model,
        logger=types.SimpleNamespace(info=lambda message: None))
    hook.after_val_epoch(runner, {'score': 1.0})
    runner.epoch = 2
    hook.after_val_epoch(runner, {'score': 0.5 if rank == 0 else 2.0})
    with open(f'{out}.{rank}', 'w') as f:
        json.dump(hook.schedule.state_dict(), f)
    dist.destroy_process_group()


def test_under_ddp_every_rank_takes_rank_0s_decision(tmp_path):
    """Rank 1 alone would end stage 1 (its score got worse); rank 0's
    improved, and both ranks keep stage 1 with rank 0's counters."""
    import json
    import multiprocessing
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    context = multiprocessing.get_context('fork')
    out = str(tmp_path / 'state')
    procs = [context.Process(target=_rank, args=(r, port, out))
             for r in (0, 1)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    states = [json.load(open(f'{out}.{r}')) for r in (0, 1)]
    assert states[0] == states[1]
    assert states[0]['pending'] is None and states[0]['best_score'] == 0.5
