"""LayerDecayOptimWrapperConstructor: each depth group gets lr x rate **
depth, on top of paramwise_cfg's custom_keys; frozen parameters are in the
optimizer; explicit groups; a stage's lr_mult keeps the ratios."""
import pytest
import torch
from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from torch import nn

import ftplugin  # noqa: F401


class Block(nn.Module):

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)


class Model(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Module()
        self.backbone.stem = nn.Linear(2, 4)
        self.backbone.blocks = nn.ModuleList([Block(), Block()])
        self.cls_head = nn.Linear(4, 2)


def build(paramwise_cfg, lr=1.0, model=None):
    model = model or Model()
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='LayerDecayOptimWrapperConstructor',
        optim_wrapper_cfg=dict(type='OptimWrapper', optimizer=dict(
            type='SGD', lr=lr, weight_decay=0.1)),
        paramwise_cfg=paramwise_cfg))
    wrapper = constructor(model)
    return model, wrapper


def lrs(model, wrapper):
    by_id = {id(p): n for n, p in model.named_parameters()}
    return {by_id[id(g['params'][0])]: g['lr']
            for g in wrapper.optimizer.param_groups}


def test_auto_groups_get_lr_times_rate_to_the_depth():
    model, wrapper = build(dict(layer_decay_rate=0.5))
    got = lrs(model, wrapper)
    # head depth 0, block 1 depth 1, block 0 depth 2, stem depth 3
    for name, depth in [('cls_head.weight', 0), ('backbone.blocks.1.fc.bias',
                                                 1),
                        ('backbone.blocks.0.fc.weight', 2),
                        ('backbone.stem.weight', 3)]:
        assert got[name] == pytest.approx(0.5**depth), name
    assert len(got) == len(list(model.parameters()))


def test_composes_with_custom_keys_and_keeps_frozen_parameters():
    model = Model()
    model.backbone.stem.weight.requires_grad = False
    model, wrapper = build(dict(
        layer_decay_rate=0.5,
        custom_keys={'backbone': dict(lr_mult=0.1),
                     'bias': dict(decay_mult=0.0)}), model=model)
    got = lrs(model, wrapper)
    assert got['cls_head.weight'] == pytest.approx(1.0)
    assert got['backbone.blocks.1.fc.weight'] == pytest.approx(0.1 * 0.5)
    # frozen when built, in the optimizer all the same (a stage thaws it)
    assert got['backbone.stem.weight'] == pytest.approx(0.1 * 0.5**3)
    assert not model.backbone.stem.weight.requires_grad
    decay = {id(g['params'][0]): g['weight_decay']
             for g in wrapper.optimizer.param_groups}
    assert decay[id(model.cls_head.bias)] == 0.0
    assert decay[id(model.cls_head.weight)] == pytest.approx(0.1)


def test_explicit_groups_last_match_wins_and_gaps_are_errors():
    model, wrapper = build(dict(
        layer_decay_rate=0.1,
        layer_groups=[['*'], ['backbone.blocks.1', 'cls_head']]))
    got = lrs(model, wrapper)
    assert got['cls_head.bias'] == pytest.approx(1.0)
    assert got['backbone.blocks.1.fc.weight'] == pytest.approx(1.0)
    assert got['backbone.stem.bias'] == pytest.approx(0.1)
    with pytest.raises(ValueError, match='lie in no group'):
        build(dict(layer_decay_rate=0.5, layer_groups=[['cls_head']]))
    with pytest.raises(ValueError, match='layer_decay_rate'):
        build(dict(layer_decay_rate=1.5))


def test_a_stage_lr_mult_keeps_the_ratios():
    from types import SimpleNamespace

    from ftplugin.engine.hooks import StagedUnfreezeHook
    model, wrapper = build(dict(layer_decay_rate=0.5))
    hook = StagedUnfreezeHook([dict(trainable=['*'], lr_mult=0.1)])
    hook.apply_lr_mult(SimpleNamespace(optim_wrapper=wrapper,
                                       param_schedulers=[]), 0.1)
    got = lrs(model, wrapper)
    assert got['cls_head.weight'] == pytest.approx(0.1)
    assert got['backbone.stem.weight'] == pytest.approx(0.1 * 0.5**3)
    # one optimizer step moves deeper weights less
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    wrapper.optimizer.step()
    moved = {n: (p - before[n]).abs().max().item()
             for n, p in model.named_parameters()}
    assert moved['backbone.stem.bias'] < moved['cls_head.bias']
