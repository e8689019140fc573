"""The staged variants of slowonly_r18_thermal_from_ssl.py (issue 21): the
plateau variant ends stages 1 and 2 on the validation mean class accuracy,
capped, with the stage's best weights restored; the layer-wise-decay variant
gives every depth group of the SlowOnly R18 its own lr on top of the
config's backbone lr x 0.1. Everything else as the fixed-epoch default."""
from pathlib import Path

import pytest
from mmaction.registry import HOOKS, MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE = 'configs/thermal/slowonly_r18_thermal_from_ssl'


def load(suffix=''):
    return Config.fromfile(str(REPO_ROOT / f'{BASE}{suffix}.py'))


def test_plateau_variant_ends_stages_on_mean_class_accuracy():
    cfg = load('_plateau')
    hook = HOOKS.build(cfg.default_hooks['unfreeze'])
    hook.setup(MODELS.build(cfg.model), cfg.train_cfg.max_epochs)
    schedule = hook.schedule
    assert schedule.monitor == 'acc/mean_class'
    assert schedule.rule == 'greater'
    assert [s['frozen_stages'] for s in schedule.specs] == [4, 2, -1]
    # no fixed begins left from the default: only plateaus and caps
    assert schedule.begins == [0, None, None]
    assert schedule.caps[:2] == [3, 3]
    for spec in schedule.specs[:2]:
        assert spec['patience'] == 1 and spec['restore_best']
    # the rest as the fixed-epoch default
    default = load()
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg', 'load_cfg',
                'model'):
        assert cfg[key] == default[key], key


def test_llrd_variant_decays_per_block_on_top_of_the_backbone_mult():
    cfg = load('_llrd')
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    lrs = {}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            lrs[names[id(p)]] = group['lr']
    # every parameter is in the optimizer, also those stage 1 freezes
    assert set(lrs) == set(names.values())
    base = cfg.optim_wrapper.optimizer.lr
    blocks = [f'layer{s}.{b}' for s in (4, 3, 2, 1) for b in (1, 0)]
    expected = {'cls_head': base}
    for depth, block in enumerate(blocks + ['conv1'], start=1):
        expected[f'backbone.{block}.'] = base * 0.1 * 0.8**depth
    for name, lr in lrs.items():
        (prefix, ) = [p for p in expected if name.startswith(p)]
        assert lr == pytest.approx(expected[prefix]), name
    # the stages and schedulers of the default are kept
    default = load()
    assert cfg.default_hooks['unfreeze'] == default.default_hooks['unfreeze']
    assert cfg.param_scheduler == default.param_scheduler
