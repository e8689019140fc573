"""Self-supervised pretraining of the thermal backbone and fine-tuning from
it, with the shipped configs, on generated recordings.

* both pretraining objectives lower their loss on generated recordings;
* the *_from_ssl.py configs (thermal and ava_custom) load the pretrained
  backbone exactly and refuse a checkpoint without it (or no checkpoint);
* tools/train.py: pretraining on the training side of a sensor split, then
  fine-tuning from its checkpoint.
"""
import json
import re
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.logging import MMLogger

from ftplugin.engine import FineTuneRunner

PRETRAIN = 'configs/thermal/slowonly_r18_thermal_ssl_pretrain.py'
OBJECTIVES = {
    'masked': 'configs/thermal/slowonly_r18_thermal_masked_ssl_pretrain.py',
    'contrastive':
    'configs/thermal/slowonly_r18_thermal_contrastive_ssl_pretrain.py'
}
FROM_SSL = {
    'thermal': 'configs/thermal/slowonly_r18_thermal_from_ssl.py',
    'ava_custom':
    'configs/ava_custom/slowonly_r18_ava_custom_thermal_from_ssl.py'
}
AVA_SMALL = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'


def config(repo_root, path) -> Config:
    return Config.fromfile(str(repo_root / path))


def batch_of(cfg, root, seeds):
    """A preprocessed batch of the config's pretraining clips of ``root``,
    each drawn with its seed."""
    data = cfg.train_dataloader.dataset
    data.data_root = str(root)
    dataset = DATASETS.build(data)
    step = len(dataset) // len(seeds)
    return [dataset[(i * step, seed)] for i, seed in enumerate(seeds)]


@pytest.mark.parametrize('objective', sorted(OBJECTIVES))
def test_pretraining_loss_falls_on_generated_recordings(
        objective, repo_root, thermal_gen):
    cfg = config(repo_root, OBJECTIVES[objective])
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    samples = batch_of(cfg, thermal_gen, seeds=range(6))
    batch = model.data_preprocessor(pseudo_collate(samples), training=True)
    inputs = batch['inputs']

    def score():
        # the same masks / views every time: comparable before and after
        with torch.no_grad():
            if objective == 'masked':
                out = model.predict(inputs, batch['data_samples'])
                return float(torch.stack([s.recon_error
                                          for s in out]).mean())
            return float(model.loss(inputs, [])['loss_contrast'])

    before = score()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for _ in range(8):
        loss = sum(model.loss(inputs, batch['data_samples']).values())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    after = score()
    assert after < 0.8 * before, (before, after)


def pretrained_checkpoint(repo_root, tmp_path, objective='masked'):
    """A pretrainer's checkpoint as the runner saves it, with weights and
    BatchNorm statistics that no fresh model has."""
    torch.manual_seed(1)
    model = MODELS.build(config(repo_root, OBJECTIVES[objective]).model)
    state = model.state_dict()
    for key, value in state.items():
        if value.is_floating_point():
            value.copy_(torch.randn_like(value))
    path = tmp_path / f'{objective}.pth'
    torch.save(dict(meta=dict(epoch=10), state_dict=state), path)
    return path, state


def load_with(cfg, path):
    """FineTuneRunner.load_or_resume of a model built from ``cfg``."""
    model = MODELS.build(cfg.model)
    runner = SimpleNamespace(
        _has_loaded=False, _resume=False, _load_from=None if path is None
        else str(path), cfg=cfg, model=model,
        logger=MMLogger.get_current_instance(),
        _built_datasets=lambda: {})  # no loop built: no class set to check
    FineTuneRunner.load_or_resume(runner)
    return model, runner.load_report


@pytest.mark.parametrize('family', sorted(FROM_SSL))
@pytest.mark.parametrize('objective', sorted(OBJECTIVES))
def test_from_ssl_loads_the_pretrained_backbone_exactly(
        family, objective, repo_root, tmp_path):
    path, state = pretrained_checkpoint(repo_root, tmp_path, objective)
    cfg = config(repo_root, FROM_SSL[family])
    assert cfg.load_from is None and cfg.load_cfg.required == ['backbone']
    model, report = load_with(cfg, path)
    loaded = model.state_dict()
    backbone = sorted(k for k in loaded if k.startswith('backbone.'))
    assert report.loaded == backbone and not report.shape_skipped
    for key in backbone:
        assert torch.equal(loaded[key], state[key]), key
    # the pretrainer's own parts stay behind, the head starts afresh
    assert report.unexpected and all(
        not k.startswith('backbone.') for k in report.unexpected)
    assert report.missing and all(
        k.startswith('cls_head.') for k in report.missing)


@pytest.mark.parametrize('family', sorted(FROM_SSL))
def test_from_ssl_refuses_a_checkpoint_without_the_backbone(
        family, repo_root, tmp_path):
    cfg = config(repo_root, FROM_SSL[family])
    _, state = pretrained_checkpoint(repo_root, tmp_path)
    headless = tmp_path / 'decoder_only.pth'
    torch.save(dict(state_dict={k: v for k, v in state.items()
                                if not k.startswith('backbone.')}), headless)
    # another backbone (the small ava_custom detector's): shapes differ
    other = tmp_path / 'other_backbone.pth'
    torch.save(dict(state_dict=MODELS.build(
        config(repo_root, AVA_SMALL).model).state_dict()), other)
    for path in (headless, other):
        # nothing of it fits (decoder only), or the backbone does not
        with pytest.raises(RuntimeError, match=r"required weights \("
                           r"\['backbone'\].*\) not loaded|Nothing of .* "
                           r"fits the model"):
            load_with(cfg, path)
    with pytest.raises(ValueError, match='load_from is not set'):
        load_with(cfg, None)


def test_the_chosen_objective_is_one_of_the_two(repo_root):
    chosen = config(repo_root, PRETRAIN)
    assert chosen.model.type in {
        config(repo_root, p).model.type for p in OBJECTIVES.values()}


@pytest.mark.slow
def test_pretrain_then_fine_tune_through_the_tools(
        repo_root, thermal_gen, run_tool, tmp_path):
    from ftplugin.datasets.converters.thermal_sensor_split import \
        split_by_sensor
    ann = thermal_gen / 'annotations'
    split = tmp_path / 'split'
    split_by_sensor([str(ann / 'train.json'), str(ann / 'val.json')],
                    str(split), val_fraction=0.34, seed=0)
    train_side = {i['sensor_id'] for i in json.loads(
        (split / 'train.json').read_text())['images']}
    pretrain = tmp_path / 'pretrain'
    run_tool([
        'tools/train.py', PRETRAIN, '--work-dir', pretrain, '--data-root',
        thermal_gen, '--seed', '0', '--cfg-options', 'train_cfg.max_epochs=1',
        'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.split_file={split / "train.json"}',
        f'train_dataloader.dataset.held_out=[{split / "val.json"}]'
    ])
    checkpoint = pretrain / 'epoch_1.pth'
    assert checkpoint.is_file()
    log = next(pretrain.glob('*/*.log')).read_text()
    assert re.search(r'loss_recon: \d', log)
    # the pretraining read the training side's recordings, and only them
    (read, ) = re.findall(r'clips of \d+ recording\(s\): (.*)', log)
    assert set(read.split(', ')) == train_side
    finetune = tmp_path / 'finetune'
    options = [f'{s}_dataloader.dataset.ann_file={split / f}' for s, f in (
        ('train', 'train.json'), ('val', 'val.json'))] + [
            f'{s}_dataloader.{k}' for s in ('train', 'val')
            for k in ('num_workers=0', 'persistent_workers=False')]
    run_tool([
        'tools/train.py', FROM_SSL['thermal'], '--work-dir', finetune,
        '--data-root', thermal_gen, '--seed', '0', '--cfg-options',
        'train_cfg.max_epochs=1', f'load_from={checkpoint}'] + options)
    log = next(finetune.glob('*/*.log')).read_text()
    num_backbone = sum(1 for k in torch.load(
        checkpoint, weights_only=False)['state_dict'] if k.startswith(
            'backbone.'))
    assert f'loaded {num_backbone} tensor(s)' in log
    assert 'frozen_stages backbone=4' in log
    assert (finetune / 'training_history.json').is_file()
