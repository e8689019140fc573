"""configs/kaggle_pose/stgcnpp_*.py: mmaction2's ST-GCN++ on the pose files.

A tiny training step and a multi-clip test through the config's own
datasets and pipelines (generated Kaggle CSVs)."""
import copy

import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

CONFIG = 'configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py'


def build_dataset(cfg, loader, root):
    dataset = copy.deepcopy(cfg[loader].dataset)
    dataset.update(data_root=str(root), split='all')
    return DATASETS.build(dataset)


def test_stgcnpp_trains_and_tests_one_row_per_file(repo_root,
                                                   generated_data):
    init_default_scope('mmaction')
    cfg = Config.fromfile(str(repo_root / CONFIG))
    root = generated_data / 'kaggle_fall'
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    train = build_dataset(cfg, 'train_dataloader', root)
    batch = pseudo_collate([train[i] for i in range(4)])
    assert batch['inputs'][0].shape == (1, 1, 64, 17, 3)  # x, y, score
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    losses = model.train_step(batch, optim)
    assert torch.isfinite(losses['loss_cls'])

    cfg.test_dataloader.dataset.pipeline[2]['num_clips'] = 3
    test = build_dataset(cfg, 'test_dataloader', root)
    model.eval()
    samples = [test[i] for i in (0, len(test) - 1)]
    assert samples[0]['inputs'].shape == (3, 1, 64, 17, 3)
    with torch.no_grad():
        preds = model.test_step(pseudo_collate(samples))
    assert len(preds) == 2  # one prediction per file, its clips averaged
    for pred, sample in zip(preds, samples):
        assert pred.filename == sample['data_samples'].filename
        assert pred.filename.endswith('.csv')
        assert pred.pred_score.shape == (2, )
        assert float(pred.pred_score.sum()) == pytest.approx(1.0, abs=1e-5)
