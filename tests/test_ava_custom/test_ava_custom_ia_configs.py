"""The ``_ia`` configs build their interaction aggregation as documented,
keep IAMemoryHook, and the ONNX export tool refuses them in one sentence
(the baseline's export is tested by the demo test)."""
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

import ftplugin  # noqa: F401

CONFIGS = {
    'slowonly_tiny_ava_custom_thermal_ia_memory.py': ('serial', ['M']),
    'slowonly_tiny_ava_custom_thermal_ia_dense_serial.py':
    ('dense', ['P', 'M']),
    'slowfast_r50_ava_custom_ia_dense_serial.py': ('dense', ['P', 'O', 'M']),
}


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_ia_configs(repo_root, name):
    cfg = Config.fromfile(str(repo_root / 'configs/ava_custom' / name))
    assert cfg.default_hooks.ia_memory.type == 'IAMemoryHook'
    init_default_scope('mmaction')
    if name.startswith('slowfast'):
        ia_cfg = cfg.model.cls_head.ia  # the guide's options, not built
        assert ia_cfg.inner_channels == 1024 and ia_cfg.dropout == 0.2
        assert ia_cfg.memory.before == ia_cfg.memory.after == 30
        assert cfg.optim_wrapper.paramwise_cfg.custom_keys[
            'cls_head.ia'].lr_mult == 10
        pipeline = cfg.train_dataloader.dataset.pipeline
        assert pipeline[0].type == 'WithObjectBoxes'
        assert 'object_bboxes' in pipeline[-1].meta_keys
        return
    ia = MODELS.build(cfg.model).cls_head.ia
    structure, kinds = CONFIGS[name]
    assert ia.structure == structure
    assert sorted({t for layer in ia.layers for t in layer}) == sorted(kinds)


def test_export_tool_refuses_ia(repo_root, run_tool, tmp_path):
    name = ('configs/ava_custom/'
            'slowonly_tiny_ava_custom_thermal_ia_memory.py')
    init_default_scope('mmaction')
    model = MODELS.build(Config.fromfile(str(repo_root / name)).model)
    ckpt = tmp_path / 'ia.pth'
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    proc = run_tool(['tools/deployment/export_onnx.py', name, ckpt,
                     '--output-file', tmp_path / 'ia.onnx'], check=False)
    assert proc.returncode == 1
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith(name) and 'without cls_head.ia' in last
    assert 'Traceback' not in proc.stdout
