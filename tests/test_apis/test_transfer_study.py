"""run_transfer_study (tools/analysis/transfer_report.py): both arms over
two seeds on generated Kaggle data, one epoch each."""
import json

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from ftplugin.apis import run_transfer_study, twin_configs
from ftplugin.utils import set_data_root

FINETUNE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'


def tiny_cfg(repo_root, data_root):
    cfg = Config.fromfile(str(repo_root / FINETUNE_CFG))
    set_data_root(cfg, str(data_root))
    cfg.train_cfg.max_epochs = 1
    cfg.train_dataloader.batch_size = 16
    cfg.default_hooks.logger.interval = 100
    return cfg


@pytest.fixture
def pretrained(tmp_path, repo_root):
    """A checkpoint of the config's own model with its weights perturbed:
    the fine-tuned arm must start from it, the scratch arm must not."""
    cfg = Config.fromfile(str(repo_root / FINETUNE_CFG))
    torch.manual_seed(1)
    model = MODELS.build(cfg.model)
    model.init_weights()
    path = tmp_path / 'pretrained.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def test_twin_configs_differ_only_in_the_start(repo_root, tmp_path):
    cfg = Config.fromfile(str(repo_root / 'configs/butppg/butppg_5ch_finetune.py'))
    arms = twin_configs(cfg, 'ckpt.pth')
    assert arms['pretrained'].load_from == 'ckpt.pth'
    assert arms['pretrained'].load_cfg.required == ['backbone']
    assert arms['scratch'].load_from is None
    assert arms['scratch'].load_cfg is None  # else the runner refuses it
    assert arms['scratch'].optim_wrapper == arms['pretrained'].optim_wrapper
    assert cfg.load_from is None  # the given config is left as it was


def test_tiny_study_writes_the_report(repo_root, generated_data, tmp_path,
                                      pretrained):
    cfg = tiny_cfg(repo_root, generated_data / 'kaggle_fall')
    root = tmp_path / 'study'
    summary = run_transfer_study(cfg, str(pretrained), seeds=[0, 1],
                                 work_root=str(root), name='tiny')
    assert summary['metric'] == 'acc/top1' and summary['seeds'] == [0, 1]
    assert summary['higher_is_better'] is True
    for arm in ('pretrained', 'scratch'):
        values = summary[arm]['values']
        assert len(values) == 2 and all(0 <= v <= 1 for v in values)
        for seed in ('0', '1'):
            run = summary['test_metrics'][arm][seed]
            assert run['num_test_samples'] > 0
            # the value compared is the run's own test metric
            assert run['acc/top1'] == values[int(seed)]
    # the fine-tuned arm loaded the checkpoint, the scratch arm did not
    log = (root / 'pretrained_seed0').glob('*/*.log')
    assert 'pretrained.pth' in next(log).read_text()
    log = (root / 'scratch_seed0').glob('*/*.log')
    assert 'pretrained.pth' not in next(log).read_text().split(
        'load_from')[-1].splitlines()[0]
    written = json.loads((root / 'transfer_report.json').read_text())
    assert written['verdict'] == summary['verdict']
    md = (root / 'transfer_report.md').read_text()
    assert summary['text'] in md and '| 1 |' in md
    assert (root / 'transfer_report.png').read_bytes()[:4] == b'\x89PNG'
    # finished runs are read back, not trained again
    for run in root.glob('*_seed*'):
        for ckpt in run.glob('best_*.pth'):
            ckpt.unlink()
    again = run_transfer_study(cfg, str(pretrained), seeds=[0, 1],
                               work_root=str(root), name='tiny')
    assert again['pretrained']['values'] == summary['pretrained']['values']
