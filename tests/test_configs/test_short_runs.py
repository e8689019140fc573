"""Every config of the repository keeps a valid schedule when the run is
shortened to 1, 2 or 3 epochs (``--cfg-options train_cfg.max_epochs=N``,
a user's first step; iterations for the iteration-based configs).

For each config the runner is built on CPU as tools/train.py builds it,
with the training data replaced by 8 toy samples (no data, no checkpoint,
no training); then, per run length, the train loop, the parameter
schedulers and the staged-unfreezing hook are built as ``runner.train()``
builds them. Valid: every scheduler begins before the run's end, ends
after it begins and no later than the run's end, has its milestones inside
its span; every stage that runs begins before the run's end, after the
previous one. A schedule that cannot be fitted must be refused with one
sentence naming the config key to change.
"""
import copy
import glob
import math
from pathlib import Path

import pytest
import torch
from mmaction.registry import DATASETS, HOOKS
from mmengine.config import Config
from mmengine.runner import IterBasedTrainLoop

from ftplugin.engine.stages.schedule_report import _hook_cfg
from ftplugin.utils.tool_utils import build_runner

REPO_ROOT = Path(__file__).resolve().parents[2]

CONFIGS = sorted(
    p[len(str(REPO_ROOT)) + 1:]
    for p in glob.glob(str(REPO_ROOT / 'configs' / '*' / '*.py'))
    if '/_base_/' not in p)
TOY_SAMPLES, BATCH = 8, 2


@DATASETS.register_module(force=True)
class ShortRunToyDataset(torch.utils.data.Dataset):
    """Stands in for a config's training data: only its length matters."""

    metainfo = dict(classes=('a', 'b'))

    def __init__(self, **kwargs):
        pass

    def __len__(self):
        return TOY_SAMPLES

    def __getitem__(self, index):
        return dict(inputs=torch.zeros(1))


def iteration_based(cfg) -> bool:
    kind = cfg.train_cfg.get('type', '')
    return kind in ('IterBasedTrainLoop', IterBasedTrainLoop) or \
        cfg.train_cfg.get('by_epoch') is False


@pytest.fixture(scope='module', params=CONFIGS)
def built(request, tmp_path_factory):
    """The config's runner, built once (models as large as SlowFast R50
    take seconds), and its config."""
    cfg = Config.fromfile(str(REPO_ROOT / request.param))
    cfg.work_dir = str(tmp_path_factory.mktemp('short_run'))
    cfg.launcher = 'none'
    cfg.log_level = 'WARNING'
    cfg.load_from = None
    cfg.train_dataloader = dict(
        dataset=dict(type='ShortRunToyDataset'), batch_size=BATCH,
        num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False))
    if iteration_based(cfg):
        cfg.train_dataloader['sampler'] = dict(type='InfiniteSampler')
    for split in ('val', 'test'):
        cfg[f'{split}_dataloader'] = None
        cfg[f'{split}_cfg'] = None
        cfg[f'{split}_evaluator'] = None
    # the hooks are built per run length below; the rest need no data
    cfg.default_hooks.pop('unfreeze', None)
    cfg.visualizer = dict(type='ActionVisualizer', vis_backends=[])
    original = Config.fromfile(str(REPO_ROOT / request.param))
    return build_runner(cfg), original


def build_for(runner, cfg, length: int):
    """Train loop, schedulers and staged hook for a run of ``length``."""
    train_cfg = copy.deepcopy(dict(cfg.train_cfg))
    train_cfg.pop('val_begin', None)
    train_cfg.pop('val_interval', None)
    key = 'max_iters' if iteration_based(cfg) else 'max_epochs'
    train_cfg[key] = length
    runner._train_loop = runner.build_train_loop(train_cfg)
    if not hasattr(runner, '_short_run_optim'):
        runner._short_run_optim = runner.build_optim_wrapper(
            copy.deepcopy(cfg.optim_wrapper))
    runner.optim_wrapper = runner._short_run_optim
    schedulers = copy.deepcopy(cfg.get('param_scheduler') or [])
    built = runner.build_param_scheduler(schedulers) if schedulers else []
    hook_cfg = _hook_cfg(cfg)
    hook, notes = None, []
    if hook_cfg is not None:
        hook = HOOKS.build(copy.deepcopy(hook_cfg))
        model = runner.model.module if hasattr(
            runner.model, 'module') else runner.model
        notes = hook.setup(model, length)
    return built, hook, notes


def assert_valid_schedulers(schedulers, runner, length, iters_based):
    epoch_len = math.ceil(TOY_SAMPLES / BATCH)
    for scheduler in schedulers:
        if scheduler.by_epoch:
            total = length if not iters_based else 1
        else:
            total = length if iters_based else length * epoch_len
        name = type(scheduler).__name__
        assert scheduler.begin < total, (name, scheduler.begin, total)
        assert scheduler.begin < scheduler.end, (name, scheduler.begin)
        assert scheduler.end <= total or math.isinf(scheduler.end), (
            name, scheduler.end, total)
        span = min(scheduler.end, total) - scheduler.begin
        for milestone in getattr(scheduler, 'milestones', {}) or {}:
            assert 1 <= milestone <= span, (name, milestone, span)


@pytest.mark.parametrize('length', [1, 2, 3])
def test_short_run_keeps_a_valid_schedule(built, length):
    runner, cfg = built
    iters_based = iteration_based(cfg)
    try:
        schedulers, hook, notes = build_for(runner, cfg, length)
    except ValueError as error:
        # refused: one sentence naming the key to change
        message = str(error)
        assert '\n' not in message, message
        assert 'param_scheduler.' in message or 'default_hooks.' in message
        return
    assert_valid_schedulers(schedulers, runner, length, iters_based)
    if hook is None:
        return
    schedule = hook.schedule
    begins = [b for b in schedule.begins if b is not None]
    assert begins[0] == 0
    assert begins == sorted(set(begins)), begins
    assert all(b < length for b in begins), (begins, length)
    for cap in schedule.caps:
        assert cap is None or 1 <= cap <= length
    # a stage dropped because the run is too short is said, not silent
    if schedule.num_stages < len(schedule.all_specs):
        assert any('will not run' in n for n in notes), notes


def test_the_matrix_covers_the_staged_configs():
    """The schedules this test exists for are among the configs."""
    for name in ('configs/apple_watch/lstm_applewatch_finetune_2stage.py',
                 'configs/butppg/butppg_5ch_finetune_3stage.py',
                 'configs/thermal/slowfast_r50_thermal_gradual_unfreeze.py',
                 'configs/ava_custom/slowfast_r50_ava_custom.py'):
        assert name in CONFIGS


def test_apple_watch_finetune_at_3_epochs_keeps_both_stages(tmp_path):
    """The run of issue 19: 3 epochs used to die with mmengine's 'end
    should be larger than begin'; now stage 2 begins in epoch 2."""
    cfg = Config.fromfile(
        str(REPO_ROOT / 'configs/apple_watch/lstm_applewatch_finetune_2stage.py'))
    hook = HOOKS.build(cfg.default_hooks['unfreeze'])
    from mmaction.registry import MODELS
    assert hook.setup(MODELS.build(cfg.model), 3) == []
    assert hook.schedule.begins == [0, 1]
    assert hook.setup(MODELS.build(cfg.model), 60) == []
    assert hook.schedule.begins == [0, 10]
