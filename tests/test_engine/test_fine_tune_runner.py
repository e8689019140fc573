"""FineTuneRunner.load_or_resume: load_from through the adapter."""
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS, RUNNERS
from mmengine.config import Config
from mmengine.logging import MMLogger

from ftplugin.checkpoint import CheckpointMismatchError
from ftplugin.engine import FineTuneRunner

CLASSIFIER = dict(
    type='PoseAEClassifier',
    backbone=dict(type='PoseAutoencoder'),
    cls_head=dict(type='MLPHead', num_classes=2, in_channels=128))


def test_registered():
    assert RUNNERS.get('FineTuneRunner') is FineTuneRunner


def test_load_cfg_key_map_overrides_model_map(tmp_path):
    torch.manual_seed(0)
    src = MODELS.build(CLASSIFIER)
    for p in src.parameters():
        p.data.normal_()
    # a foreign layout the model's own key map does not know
    path = tmp_path / 'foreign.pth'
    torch.save({'weights': None, 'state_dict': {
        k.replace('backbone.', 'net.'): v
        for k, v in src.state_dict().items() if k.startswith('backbone.')}},
        path)
    model = MODELS.build(CLASSIFIER)
    stub = SimpleNamespace(
        _has_loaded=False, _resume=False, _load_from=str(path),
        cfg=Config(dict(load_cfg=dict(key_map=[(r'^net\.', 'backbone.')]))),
        model=model, logger=MMLogger.get_current_instance(),
        _built_datasets=dict)
    FineTuneRunner.load_or_resume(stub)
    assert stub._has_loaded
    report = stub.load_report
    assert report.unexpected == []
    assert all(k.startswith('cls_head.') for k in report.missing)
    for key, value in src.state_dict().items():
        if key.startswith('backbone.'):
            assert torch.equal(model.state_dict()[key], value), key


def test_without_key_map_foreign_keys_fit_nothing(tmp_path):
    torch.manual_seed(0)
    src = MODELS.build(CLASSIFIER)
    path = tmp_path / 'foreign.pth'
    torch.save({'state_dict': {'net.' + k: v
                               for k, v in src.state_dict().items()}}, path)
    stub = SimpleNamespace(
        _has_loaded=False, _resume=False, _load_from=str(path),
        cfg=Config(dict()), model=MODELS.build(CLASSIFIER),
        logger=MMLogger.get_current_instance(), _built_datasets=dict)
    # nothing fits: refused (a run from random weights is not a
    # fine-tuning), naming the checkpoint's keys
    with pytest.raises(CheckpointMismatchError,
                       match=f'Nothing of {path} fits.*net.backbone'):
        FineTuneRunner.load_or_resume(stub)
    assert not stub._has_loaded
