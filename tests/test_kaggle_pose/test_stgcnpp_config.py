"""configs/kaggle_pose/stgcnpp_*.py: mmaction2's ST-GCN++ on the pose files.

A tiny training step, a multi-clip test dumped as tools/test.py --dump does
and the ONNX export of tools/deployment/export_onnx.py, through the config's
own datasets and pipelines (generated Kaggle CSVs)."""
import copy
import pickle

import pytest
import torch
from mmaction.registry import DATASETS, METRICS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from ftplugin.deployment import (ExportWrapper, export_onnx, input_shapes,
                                 verify)

CONFIG = 'configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py'


def build_dataset(cfg, loader, root):
    dataset = copy.deepcopy(cfg[loader].dataset)
    dataset.update(data_root=str(root), split='all')
    return DATASETS.build(dataset)


def test_stgcnpp_trains_tests_dumps_and_exports(repo_root, generated_data,
                                               tmp_path):
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

    # tools/test.py --dump: one row per file, naming it
    dump = METRICS.build(dict(type='DumpResults',
                              out_file_path=str(tmp_path / 'pred.pkl')))
    dump.process(None, [p.to_dict() for p in preds])
    dump.evaluate(len(preds))
    with open(tmp_path / 'pred.pkl', 'rb') as f:
        rows = pickle.load(f)
    assert [r['filename'] for r in rows] == [s['data_samples'].filename
                                             for s in samples]

    # tools/deployment/export_onnx.py --verify, on the trained model
    wrapper = ExportWrapper(model).eval()
    onnx_file = str(tmp_path / 'stgcnpp.onnx')
    export_onnx(wrapper, cfg.onnx_cfg, onnx_file)
    result = verify(wrapper, onnx_file, input_shapes(cfg.onnx_cfg),
                    cfg.onnx_cfg['input_names'], (2, ), atol=1e-4)
    assert result['passed'], result
