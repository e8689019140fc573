"""configs/kaggle_pose/pose_ae_kaggle_finetune.py (the default): multiple-
instance training on several windows per file, through the config's own
datasets (generated Kaggle CSVs), and its single-window runner-up."""
import copy

import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

CONFIG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'


def test_default_trains_on_every_window_of_a_file(repo_root,
                                                     generated_data):
    init_default_scope('mmaction')
    cfg = Config.fromfile(str(repo_root / CONFIG))
    dataset = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset.update(data_root=str(generated_data / 'kaggle_fall'),
                   split='all')
    train = DATASETS.build(dataset)
    batch = pseudo_collate([train[i] for i in (0, 1, len(train) - 1)])
    assert batch['inputs'][0].shape == (5, 2, 64, 18)  # 5 windows, 1 label
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).train()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    losses = model.train_step(batch, optim)
    assert set(losses) >= {'loss_cls', 'loss_recon'}
    assert all(torch.isfinite(v) for v in losses.values())
    model.eval()
    with torch.no_grad():
        preds = model.val_step(batch)
    assert len(preds) == 3  # one prediction per file


def test_single_window_runner_up_trains_on_the_first_window(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/'
            'pose_ae_kaggle_finetune_single_window.py'))
    assert cfg.model.cls_head.train_aggregate is None
    def windows(loader):
        (step, ) = [t for t in cfg[loader].dataset.pipeline
                    if t.type == 'SamplePoseWindows']
        return step.get('sampling', 'first'), step.get('num_clips', 1)

    for loader in ('train_dataloader', 'val_dataloader'):
        assert windows(loader) == ('first', 1)
    assert windows('test_dataloader') == ('clips', 5)
    assert cfg.model.cls_head.average_clips == 'max'
