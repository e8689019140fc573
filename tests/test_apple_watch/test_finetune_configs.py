"""The apple_watch fine-tuning configs say what the original project did:
layer 0 frozen in stage 1, then everything at 0.2 x the lr; the original
two runs' optimizer, plateau scheduler and early stopping; the plateau and
layer-wise-decay variants."""
from pathlib import Path

import pytest
from mmaction.registry import HOOKS, MODELS
from mmengine.config import Config

REPO_ROOT = Path(__file__).resolve().parents[2]

BASE = 'configs/apple_watch/lstm_applewatch_'


def load(name):
    return Config.fromfile(str(REPO_ROOT / f'{BASE}{name}.py'))


def test_stages_freeze_layer_0_then_train_all():
    cfg = load('finetune_2stage')
    model = MODELS.build(cfg.model)
    hook_cfg = cfg.default_hooks['unfreeze']
    assert hook_cfg['type'] == 'StagedUnfreezeHook'
    hook = HOOKS.build(hook_cfg)
    assert hook.setup(model, cfg.train_cfg.max_epochs) == []
    names = {n for n, _ in model.named_parameters()}
    layer0 = {n for n in names if n.endswith('_l0')}
    assert len(layer0) == 4
    assert set(hook.apply_stage(model, 0)) == names - layer0
    assert set(hook.apply_stage(model, 1)) == names
    # the original's 10 epochs of stage 1 in a run of 60
    assert hook.schedule.begins == [0, 10]
    stage2 = hook.schedule.specs[1]
    assert stage2['lr_mult'] == pytest.approx(1e-4 / 5e-4)
    assert cfg.default_hooks['early_stopping']['type'] == \
        'ResumableEarlyStoppingHook'
    assert cfg.model_wrapper_cfg.find_unused_parameters


def test_plateau_variant_ends_stage_1_on_validation_mse():
    cfg = load('finetune_2stage_plateau')
    hook = HOOKS.build(cfg.default_hooks['unfreeze'])
    hook.setup(MODELS.build(cfg.model), cfg.train_cfg.max_epochs)
    schedule = hook.schedule
    assert schedule.monitor == 'hr/mse' and schedule.rule == 'less'
    assert schedule.specs[0]['patience'] == 3
    assert schedule.specs[0]['restore_best']
    assert schedule.caps[0] == 20 and schedule.begins[1] is None
    # the rest as the default config
    default = load('finetune_2stage')
    assert cfg.param_scheduler == default.param_scheduler
    assert cfg.optim_wrapper == default.optim_wrapper


def test_stage_configs_match_the_original_schedule():
    s1, s2 = load('finetune_stage1-only'), load('finetune_stage2-only')
    assert s1.optim_wrapper.optimizer.lr == 5e-4
    assert s1.optim_wrapper.optimizer.weight_decay == 1e-4
    assert s1.optim_wrapper.clip_grad.max_norm == 1.0
    assert s2.optim_wrapper.optimizer.lr == 1e-4
    assert tuple(s1.model.backbone.frozen_layers) == (0, )
    assert tuple(s2.model.backbone.frozen_layers) == ()
    for cfg in (s1, s2):
        (plateau, ) = cfg.param_scheduler
        assert plateau.type == 'ReduceOnPlateauLR'
        assert plateau.monitor == 'hr/mse'
        stop = cfg.default_hooks['early_stopping']
        assert stop['type'] == 'ResumableEarlyStoppingHook'
        assert stop['patience'] == 10 and stop['monitor'] == 'hr/mse'
        # far below mmengine's default 0.1 BPM^2
        assert 0 < stop['min_delta'] < 0.1
        assert cfg.default_hooks.checkpoint.save_best == 'hr/mse'
