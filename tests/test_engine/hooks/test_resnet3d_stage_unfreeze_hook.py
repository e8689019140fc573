"""ResNet3dStageUnfreezeHook across epochs with mmengine's Runner.

A small SlowFast (ResNet-18 pathways) trains 3 epochs: head only, then
res4 + res5 of both pathways, then (same stage) on. The train loop calls
``model.train()`` each epoch, which makes mmaction2's ResNet3d re-freeze its
``frozen_stages``; the weights must still change from the unfreeze epoch on.
A test shows that flipping ``requires_grad`` alone (the generic
StagedUnfreezeHook on a backbone built with frozen_stages) is undone; the
last ones that the shared stage machinery (plateau, best-of-stage restore,
automatic stages) drives ``frozen_stages``.
"""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from toy_runner import ScriptedMetric  # noqa: F401 (registers it)

from ftplugin.engine.hooks import ResNet3dStageUnfreezeHook

PATHWAY = dict(type='resnet3d', depth=18, pretrained=None,
               conv1_stride_t=1, pool1_stride_t=1, inflate=(0, 0, 1, 1),
               norm_eval=False)
TINY_SLOWFAST = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowFast', pretrained=None, resample_rate=4,
        speed_ratio=4, channel_ratio=4,
        slow_pathway=dict(PATHWAY, lateral=True, base_channels=8,
                          conv1_kernel=(1, 7, 7), dilations=(1, 1, 1, 1),
                          lateral_infl=1, fusion_kernel=5),
        fast_pathway=dict(PATHWAY, lateral=False, base_channels=2,
                          conv1_kernel=(5, 7, 7))),
    cls_head=dict(type='SlowFastHead', in_channels=80, num_classes=3,
                  dropout_ratio=0.0),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           format_shape='NCTHW'))


class ToyClips(torch.utils.data.Dataset):
    """Packed (1, 3, 8, 32, 32) clips, as PackActionInputs gives them."""

    def __init__(self, n=4):
        gen = torch.Generator().manual_seed(0)
        self.items = [(torch.rand(1, 3, 8, 32, 32, generator=gen) * 255,
                       i % 3) for i in range(n)]
        self.metainfo = dict(classes=('a', 'b', 'c'))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        clip, label = self.items[i]
        return dict(inputs=clip,
                    data_samples=ActionDataSample().set_gt_label(label))


class Recorder(Hook):
    """Weights after each epoch; requires_grad and BN mode during it."""
    priority = 'LOWEST'

    def __init__(self, watch):
        self.watch = watch
        self.weights, self.trainable, self.bn_training = [], [], []
        self.starts = []

    def _get(self, runner, name):
        return runner.model.get_submodule(name)

    def before_train(self, runner):
        self.weights.append(self._snapshot(runner))

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if batch_idx == 0:  # after the loop's model.train()
            self.trainable.append({n: all(
                p.requires_grad for p in self._get(runner, n).parameters())
                for n in self.watch})
            self.bn_training.append({n: self._get(
                runner, n + '.0.conv1.bn').training for n in self.watch
                if n.split('.')[-1].startswith('layer')})

    def before_train_epoch(self, runner):
        self.starts.append(self._snapshot(runner))

    def after_train_epoch(self, runner):
        self.weights.append(self._snapshot(runner))

    def _snapshot(self, runner):
        out = {n: copy.deepcopy(self._get(runner, n).state_dict())
               for n in self.watch}
        return out


def changed(before, after):
    """Whether any float tensor of a module differs."""
    return any(not torch.equal(before[k], after[k]) for k in before
               if before[k].is_floating_point())


WATCH = ['backbone.slow_path.conv1', 'backbone.slow_path.layer1',
         'backbone.slow_path.layer2', 'backbone.slow_path.layer3',
         'backbone.slow_path.layer4', 'backbone.fast_path.layer1',
         'backbone.fast_path.layer3', 'backbone.fast_path.layer4',
         'backbone.slow_path.conv1_lateral', 'cls_head']


def train(tmp_path, hook, backbone_frozen=-1, epochs=3, script=None):
    model = copy.deepcopy(TINY_SLOWFAST)
    for path in ('slow_pathway', 'fast_pathway'):
        model['backbone'][path]['frozen_stages'] = backbone_frozen
    recorder = Recorder(WATCH)
    val = {} if script is None else dict(
        val_dataloader=dict(
            dataset=ToyClips(), batch_size=2, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate')),
        val_evaluator=dict(type='ScriptedMetric', script=script),
        val_cfg=dict())
    runner = Runner(**val,
        model=model, work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=ToyClips(), batch_size=2, num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate')),
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
        custom_hooks=[hook, recorder],
        default_hooks=dict(checkpoint=None, logger=None),
        default_scope='mmaction', randomness=dict(seed=0),
        log_level='WARNING')
    runner.train()
    return runner, recorder


def test_stages_unfreeze_and_stay_unfrozen(tmp_path):
    hook = dict(type='ResNet3dStageUnfreezeHook', stages=[
        dict(begin=0, frozen_stages=4),
        dict(begin=1, frozen_stages=2)])
    runner, rec = train(tmp_path, hook)
    w = rec.weights  # before training, after epoch 1, 2, 3
    unfrozen = ['backbone.slow_path.layer3', 'backbone.slow_path.layer4',
                'backbone.fast_path.layer3', 'backbone.fast_path.layer4']
    kept = ['backbone.slow_path.conv1', 'backbone.slow_path.layer1',
            'backbone.slow_path.layer2', 'backbone.fast_path.layer1',
            'backbone.slow_path.conv1_lateral']
    # epoch 1: only the head trains; BN statistics of frozen stages too stay
    assert changed(w[0]['cls_head'], w[1]['cls_head'])
    for name in unfrozen + kept:
        assert not changed(w[0][name], w[1][name]), name
    # epochs 2 and 3: res4 + res5 of both pathways train, the rest not
    for epoch in (2, 3):
        for name in unfrozen:
            assert changed(w[epoch - 1][name], w[epoch][name]), (epoch, name)
        for name in kept:
            assert not changed(w[0][name], w[epoch][name]), (epoch, name)
    # what the model looked like inside each epoch, after model.train()
    assert [t['backbone.slow_path.layer3'] for t in rec.trainable] == [
        False, True, True]
    assert [t['backbone.fast_path.layer4'] for t in rec.trainable] == [
        False, True, True]
    assert not any(t['backbone.slow_path.layer2'] for t in rec.trainable)
    assert [b['backbone.slow_path.layer3'] for b in rec.bn_training] == [
        False, True, True]
    assert not any(b['backbone.slow_path.layer1'] for b in rec.bn_training)
    # and another model.train() (e.g. after validation) keeps it so
    model = runner.model
    model.train()
    assert all(p.requires_grad for p in
               model.backbone.fast_path.layer3.parameters())
    assert not any(p.requires_grad for p in
                   model.backbone.slow_path.layer2.parameters())
    assert model.backbone.slow_path.frozen_stages == 2
    assert model.backbone.fast_path.frozen_stages == 2


def test_requires_grad_alone_is_undone_by_resnet3d(tmp_path):
    # the generic hook names layer3/4 trainable from epoch 2, but the
    # backbone was built with frozen_stages=4: ResNet3d.train() re-freezes
    hook = dict(type='StagedUnfreezeHook', stages=[
        dict(begin=0, trainable=['cls_head']),
        dict(begin=1, trainable=['cls_head', 'backbone.*.layer3',
                                 'backbone.*.layer4'])])
    _, rec = train(tmp_path, hook, backbone_frozen=4, epochs=2)
    assert not changed(rec.weights[1]['backbone.slow_path.layer3'],
                       rec.weights[2]['backbone.slow_path.layer3'])
    assert rec.trainable[1]['backbone.slow_path.layer3'] is False


def test_pathways_and_per_pathway_stages():
    slowfast = MODELS.build(TINY_SLOWFAST)
    hook = ResNet3dStageUnfreezeHook(
        [dict(begin=0, frozen_stages=dict(slow_path=3, fast_path=1))])
    assert sorted(hook.pathways(slowfast)) == ['fast_path', 'slow_path']
    slowonly = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3dSlowOnly', depth=18, pretrained=None,
                      base_channels=8),
        cls_head=dict(type='I3DHead', in_channels=64, num_classes=3)))
    assert list(hook.pathways(slowonly)) == ['']

    hook.setup(slowfast, max_epochs=4)
    hook.apply_stage(slowfast, 0)
    bb = slowfast.backbone
    assert (bb.slow_path.frozen_stages, bb.fast_path.frozen_stages) == (3, 1)
    assert not any(p.requires_grad for p in bb.slow_path.layer3.parameters())
    assert all(p.requires_grad for p in bb.fast_path.layer2.parameters())
    bad = ResNet3dStageUnfreezeHook(
        [dict(begin=0, frozen_stages=dict(slow_path=3))])
    with pytest.raises(KeyError, match='fast_path'):
        bad.setup(slowfast, max_epochs=4)
    with pytest.raises(ValueError, match='frozen_stages'):
        ResNet3dStageUnfreezeHook([dict(begin=0)])


def test_plateau_and_best_restore_through_the_shared_stages(tmp_path):
    """The stage machinery StagedUnfreezeHook has (plateau, restore) drives
    frozen_stages: stage 1's best is epoch 1; the plateau after epoch 2
    restores it and thaws res4 + res5 from epoch 3."""
    hook = dict(type='ResNet3dStageUnfreezeHook', monitor='score',
                rule='greater', patience=1, restore_best=True, stages=[
                    dict(frozen_stages=4), dict(frozen_stages=2)])
    runner, rec = train(tmp_path, hook, script=[0.9, 0.5, 0.6])
    assert [t['backbone.slow_path.layer3'] for t in rec.trainable] == [
        False, False, True]
    best, restored = rec.weights[1], rec.starts[2]
    for name in WATCH:
        assert all(torch.equal(best[name][k], v)
                   for k, v in restored[name].items()), name
    assert changed(rec.weights[2]['cls_head'], restored['cls_head'])
    assert runner.model.backbone.slow_path.frozen_stages == 2


def test_auto_stages_thaw_the_residual_stages_from_the_top():
    # mmaction2's scope whatever scope an earlier test on this worker left
    with DefaultScope.overwrite_default_scope('mmaction'):
        slowfast = MODELS.build(TINY_SLOWFAST)
    hook = ResNet3dStageUnfreezeHook('auto', num_stages=3)
    hook.setup(slowfast, max_epochs=9)
    assert [s['frozen_stages'] for s in hook.schedule.specs] == [4, 2, -1]
    assert hook.schedule.begins == [0, 3, 6]
    five = ResNet3dStageUnfreezeHook('auto', num_stages=5)
    five.setup(slowfast, max_epochs=10)
    assert [s['frozen_stages'] for s in five.schedule.specs] == [
        4, 3, 2, 1, -1]
    with pytest.raises(ValueError, match='2 to 5 stages'):
        ResNet3dStageUnfreezeHook('auto', num_stages=6).setup(slowfast, 10)
