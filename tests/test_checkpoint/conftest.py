"""Shared by the checkpoint tests: the kaggle_pose classifier."""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

MODEL_CFG = 'configs/_base_/models/pose_ae_classifier.py'


@pytest.fixture
def classifier_cfg(repo_root):
    return Config.fromfile(str(repo_root / MODEL_CFG)).model


@pytest.fixture
def build():
    """Builds a model config (with ``num_classes`` if given), seeded."""
    def build_model(cfg, num_classes=None):
        cfg = copy.deepcopy(cfg)
        if num_classes is not None:
            cfg.cls_head.num_classes = num_classes
        torch.manual_seed(0)
        return MODELS.build(cfg)
    return build_model
