"""Each family's dataset output, pinned.

Small generated data per family (the generators of ``ftplugin.testing``),
each family's main config's val/test pipeline, and for the first samples the
shape and a few statistics of the packed ``inputs``. The reference
(``tests/data/pinned_outputs.json``) was written before the datasets were
reorganised by role (formats / samplers / transforms / testing), so a move
that changes what a family feeds its model fails here.
``FTPLUGIN_REPIN=1`` rewrites the reference (only on purpose).
"""
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[2]
SYNTHETIC = 'ftplugin.testing.synthetic'
PINNED = REPO / 'tests' / 'data' / 'pinned_outputs.json'


def _generate(family: str, root: Path) -> Path:
    import importlib
    gen = importlib.import_module(f'{SYNTHETIC}.{family.replace("kth_pose", "kaggle_pose")}')
    if family == 'kaggle_pose':
        gen.generate_kaggle(
            str(root), 6, 0, np.random.default_rng(1), verbose=False)
        return root / 'kaggle_fall'
    if family == 'kth_pose':
        gen.generate_kth(
            str(root), 36, np.random.default_rng(0), verbose=False)
        return root / 'kth_poses'
    if family == 'butppg':
        gen.generate_butppg(
            str(root), dict(train=8, val=8, test=8), 0.5, seed=0,
            ecg_method='simple', verbose=False)
        return root
    if family == 'apple_watch':
        gen.generate_domain(
            'apple_watch', str(root), 10, 2, np.random.default_rng(0),
            verbose=False)
        return root / 'apple_watch'
    if family == 'thermal':
        gen.generate_thermal(
            str(root), num_sensors=2, frames_per_sensor=80, keyframe_every=8,
            rng=np.random.default_rng(0), verbose=False)
        return root
    if family == 'ava_custom':
        gen.generate_ava_custom(
            str(root), num_videos=3, num_val_videos=1, seconds=3, seed=0)
        return root
    raise KeyError(family)


CASES = {
    'kaggle_pose': 'configs/kaggle_pose/pose_ae_kaggle_finetune.py',
    'kth_pose': 'configs/kaggle_pose/pose_ae_kth_pretrain.py',
    'butppg': 'configs/butppg/butppg_5ch_finetune.py',
    'apple_watch': 'configs/apple_watch/lstm_applewatch_finetune_2stage.py',
    'thermal': 'configs/thermal/slowonly_r18_thermal_20e.py',
    'ava_custom': 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py',
}


def _stats(x) -> dict:
    x = torch.as_tensor(np.asarray(x) if not torch.is_tensor(x) else x)
    x = x.double()
    return dict(shape=list(x.shape), sum=float(x.sum()),
                abs_sum=float(x.abs().sum()),
                first=[float(v) for v in x.flatten()[:6]])


def _describe(family: str, tmp_path: Path) -> list:
    from mmaction.registry import DATASETS
    from ftplugin.utils import set_data_root
    root = _generate(family, tmp_path / family)
    cfg = Config.fromfile(str(REPO / CASES[family]))
    set_data_root(cfg, str(root))
    loader = cfg.get('test_dataloader') or cfg.val_dataloader
    if family == 'kth_pose':
        loader = cfg.val_dataloader
    dataset = DATASETS.build(loader.dataset)
    torch.manual_seed(0)
    np.random.seed(0)
    out = []
    for i in range(min(2, len(dataset))):
        sample = dataset[i]
        inputs = sample['inputs']
        if isinstance(inputs, dict):
            out.append({k: _stats(v) for k, v in sorted(inputs.items())
                        if v is not None})
        else:
            out.append(_stats(inputs))
    return out


@pytest.mark.parametrize('family', sorted(CASES))
def test_dataset_output_is_pinned(family, tmp_path, mmaction_scope):
    got = _describe(family, tmp_path)
    if os.environ.get('FTPLUGIN_REPIN'):
        pinned = json.loads(PINNED.read_text()) if PINNED.is_file() else {}
        pinned[family] = got
        PINNED.write_text(json.dumps(pinned, indent=1, sort_keys=True))
    pinned = json.loads(PINNED.read_text())[family]
    assert len(got) == len(pinned)
    for g, p in zip(got, pinned):
        _assert_close(g, p)


def _assert_close(got, want):
    if isinstance(want, dict) and 'shape' not in want:
        assert sorted(got) == sorted(want)
        for k in want:
            _assert_close(got[k], want[k])
        return
    assert got['shape'] == want['shape']
    np.testing.assert_allclose(got['sum'], want['sum'], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(got['abs_sum'], want['abs_sum'], rtol=1e-5,
                               atol=1e-4)
    np.testing.assert_allclose(got['first'], want['first'], rtol=1e-5,
                               atol=1e-5)
