"""The butppg three-stage fine-tuning (in this process, on generated data):
trainable sets and lr per stage, frozen weights that do not move, the
history per stage, resuming mid-stage, the input normalisation fitted on the
training split and kept with the checkpoints, the original project's named
outputs. (The hooks themselves are unit-tested on toy runners in
tests/test_engine/hooks/.)"""
import glob
import json

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.hooks import Hook

from data_fixtures.butppg import (FINETUNE_3STAGE_CFG, PRETRAIN_CFG,
                                  REPO_ROOT)
from ftplugin.checkpoint import load_pretrained

# one torch thread: several times faster on the shared 2-core machine
pytestmark = pytest.mark.usefixtures('one_thread')

BASE_LR = 2e-5
STAGE2 = ('cls_head', 'backbone.blocks.2', 'backbone.blocks.3',
          'backbone.norm', 'backbone.patch_embed')


class Recorder(Hook):
    """Trainable parameters and lrs of each epoch, and the weights after."""
    priority = 'LOW'  # after StagedUnfreezeHook

    def __init__(self):
        self.epochs = {}
        self.weights = {}

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if batch_idx == 0:
            self.epochs[runner.epoch] = dict(
                trainable=sorted(n for n, p in runner.model.named_parameters()
                                 if p.requires_grad),
                lr=[g['lr'] for g in
                    runner.optim_wrapper.optimizer.param_groups],
                groups=len(runner.optim_wrapper.optimizer.param_groups),
                params=sum(len(g['params']) for g in
                           runner.optim_wrapper.optimizer.param_groups))

    def after_train_epoch(self, runner):
        self.weights[runner.epoch] = {
            k: v.detach().clone()
            for k, v in runner.model.state_dict().items()}


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory):
    """A 2-channel pretraining checkpoint (random weights suffice here)."""
    torch.manual_seed(1)
    model = MODELS.build(
        Config.fromfile(str(REPO_ROOT / PRETRAIN_CFG)).model)
    path = tmp_path_factory.mktemp('pretrained') / 'pretrain.pth'
    torch.save({'meta': {}, 'state_dict': model.state_dict()}, path)
    return path


def staged_options(pretrained, **extra):
    stages = [dict(begin=0, trainable=['cls_head']),
              dict(begin=2, trainable=list(STAGE2)),
              dict(begin=4, trainable=['*'], lr_mult=0.1)]
    options = {
        'load_from': str(pretrained),
        'train_cfg.max_epochs': 6,
        'default_hooks.checkpoint.max_keep_ckpts': -1,
        'default_hooks.unfreeze.stages': stages}
    options.update(extra)
    return options


@pytest.fixture(scope='module')
def staged_run(tmp_path_factory, butppg_data, pretrained):
    from ftplugin.utils import build_runner
    work = tmp_path_factory.mktemp('staged')
    cfg = Config.fromfile(str(REPO_ROOT / FINETUNE_3STAGE_CFG))
    cfg.work_dir = str(work / 'full')
    cfg.launcher = 'none'
    cfg.randomness = dict(seed=0)
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = str(butppg_data)
    cfg.merge_from_dict(staged_options(pretrained))
    runner = build_runner(cfg)
    recorder = Recorder()
    runner.register_hook(recorder)
    runner.train()
    return runner, recorder, cfg


def expected_trainable(model_names, patterns):
    from fnmatch import fnmatch
    return sorted(n for n in model_names if any(
        fnmatch(n, p) or fnmatch(n, p + '.*') for p in patterns))


def test_trainable_sets_and_lr_per_stage(staged_run):
    runner, recorder, _ = staged_run
    names = [n for n, _ in runner.model.named_parameters()]
    head = expected_trainable(names, ['cls_head'])
    stage2 = expected_trainable(names, STAGE2)
    assert head == ['cls_head.classifier.0.bias',
                    'cls_head.classifier.0.weight']
    assert 'backbone.blocks.1.attn.qkv.weight' not in stage2
    assert 'backbone.blocks.3.mlp.0.weight' in stage2
    for epoch, trainable, lr in [(0, head, BASE_LR), (1, head, BASE_LR),
                                 (2, stage2, BASE_LR), (3, stage2, BASE_LR),
                                 (4, sorted(names), BASE_LR * 0.1),
                                 (5, sorted(names), BASE_LR * 0.1)]:
        record = recorder.epochs[epoch]
        assert record['trainable'] == trainable, epoch
        assert record['lr'] == pytest.approx([lr]), epoch
        # one optimizer group holding every parameter, in every stage
        assert record['groups'] == 1 and record['params'] == len(names)


def test_frozen_weights_do_not_move(staged_run, pretrained):
    _, recorder, _ = staged_run
    source = torch.load(pretrained)['state_dict']
    w = recorder.weights
    # stage 1: the loaded backbone is untouched, the head trains
    for key in ('backbone.blocks.0.attn.qkv.weight', 'backbone.norm.weight',
                'backbone.pos_embed'):
        assert torch.equal(w[1][key], source[key]), key
    assert not torch.equal(w[0]['cls_head.classifier.0.weight'],
                           w[1]['cls_head.classifier.0.weight'])
    # stage 2: the last blocks move, the first ones stay
    assert torch.equal(w[3]['backbone.blocks.1.mlp.0.weight'],
                       source['backbone.blocks.1.mlp.0.weight'])
    assert not torch.equal(w[3]['backbone.blocks.3.mlp.0.weight'],
                           w[1]['backbone.blocks.3.mlp.0.weight'])
    # stage 3: everything moves
    assert not torch.equal(w[5]['backbone.blocks.0.attn.qkv.weight'],
                           w[3]['backbone.blocks.0.attn.qkv.weight'])


def test_history_records_stage_loss_and_accuracy(staged_run):
    runner, _, _ = staged_run
    with open(f'{runner.work_dir}/training_history.json') as f:
        history = json.load(f)
    assert [h['stage'] for h in history] == [1, 1, 2, 2, 3, 3]
    for entry in history:
        assert {'loss', 'loss_cls', 'top1_acc'} <= set(entry['train'])
        assert {'loss', 'accuracy', 'acc/top1', 'class_0_acc',
                'class_1_acc'} <= set(entry['val'])
        assert entry['val']['accuracy'] == pytest.approx(
            100 * entry['val']['acc/top1'])
    assert [h['lr'] for h in history] == pytest.approx(
        [BASE_LR] * 4 + [BASE_LR * 0.1] * 2)


@pytest.mark.parametrize('resume_epoch', [3, 5])
def test_resume_restores_stage_and_lr(staged_run, build_runner,
                                      butppg_data, pretrained,
                                      resume_epoch):
    """Stopped after epoch 3 (in stage 2) or 5 (stage 3) and resumed: each
    later epoch trains the same parameters at the same lr as the
    uninterrupted run (and stage 3's lr is not scaled twice)."""
    runner, recorder, _ = staged_run
    ckpt = f'{runner.work_dir}/epoch_{resume_epoch}.pth'
    resumed = build_runner(FINETUNE_3STAGE_CFG, butppg_data,
                           work_name=f'resumed_{resume_epoch}',
                           **staged_options(pretrained, load_from=ckpt,
                                            resume=True))
    again = Recorder()
    resumed.register_hook(again)
    resumed.train()
    assert sorted(again.epochs) == list(range(resume_epoch, 6))
    for epoch in again.epochs:
        assert again.epochs[epoch]['trainable'] == \
            recorder.epochs[epoch]['trainable']
        assert again.epochs[epoch]['lr'] == pytest.approx(
            recorder.epochs[epoch]['lr'])
    # the normalisation of the checkpoint is kept, not refitted
    assert torch.equal(resumed.model.data_preprocessor.mean,
                       runner.model.data_preprocessor.mean)


def test_normalisation_is_fitted_on_the_training_split(staged_run,
                                                       butppg_data):
    runner, _, cfg = staged_run
    pre = runner.model.data_preprocessor
    train = np.load(butppg_data / 'train.npz')['signals'].astype(np.float64)
    val = np.load(butppg_data / 'val.npz')['signals'].astype(np.float64)
    np.testing.assert_allclose(pre.mean.numpy(), train.mean(axis=(0, 2)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(pre.std.numpy(), train.std(axis=(0, 2)),
                               rtol=1e-5)
    both = np.concatenate([train, val])
    assert not np.allclose(pre.std.numpy(), both.std(axis=(0, 2)),
                           rtol=1e-5)
    # marked fitted, so testing and the export accept the model
    assert bool(pre.fitted)
    # stored with the checkpoint, restored from it into a fresh model
    ckpt = f'{runner.work_dir}/epoch_6.pth'
    state = torch.load(ckpt, weights_only=False)['state_dict']
    assert torch.equal(state['data_preprocessor.mean'], pre.mean)
    fresh = MODELS.build(cfg.model).eval()
    assert not bool(fresh.data_preprocessor.fitted)
    load_pretrained(fresh, ckpt)
    assert torch.equal(fresh.data_preprocessor.std, pre.std)
    x = torch.as_tensor(val[:4], dtype=torch.float32)
    model = runner.model.eval()
    with torch.no_grad():
        assert torch.equal(fresh.onnx_outputs(x)[0], model.onnx_outputs(x)[0])


def test_original_named_outputs(staged_run):
    runner, _, _ = staged_run
    work = runner.work_dir
    config = json.load(open(f'{work}/training_config.json'))
    assert config['optim_wrapper']['optimizer']['lr'] == BASE_LR
    best = torch.load(f'{work}/best_model.pt', weights_only=False)
    final = torch.load(f'{work}/final_model.pt', weights_only=False)
    assert final['meta']['epoch'] == 6
    last = torch.load(f'{work}/epoch_6.pth', weights_only=False)
    assert all(torch.equal(final['state_dict'][k], v)
               for k, v in last['state_dict'].items())
    (best_file, ) = glob.glob(f'{work}/best_acc_top1_*.pth')
    source = torch.load(best_file, weights_only=False)
    assert best['meta']['epoch'] == source['meta']['epoch']
