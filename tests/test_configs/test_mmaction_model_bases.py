"""configs/_base_/models/slowfast_r50_thermal.py inherits mmaction2's own
``slowfast_r50.py`` (``mmaction::``): every config built on it keeps the
model and ONNX settings it had when the base was a copy
(tests/data/pinned_model_configs.json, written from the copies)."""
import json
import os.path as osp

import pytest
from mmengine.config import Config

import ftplugin  # noqa: F401  (the mmaction:: base needs its compat patch)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PIN = osp.join(REPO, 'tests', 'data', 'pinned_model_configs.json')
with open(PIN) as f:
    PINNED = json.load(f)


def _plain(value):
    """The merged dict as JSON has it (string keys, lists), without
    mmengine's ``_scope_`` keys (mmaction, the configs' default scope, on
    what an mmaction:: base brought)."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != '_scope_'}
        if isinstance(x, (list, tuple)):
            return [strip(v) for v in x]
        return x

    return json.loads(json.dumps(strip(value)))


@pytest.mark.parametrize('config', sorted(PINNED))
def test_model_and_onnx_settings_unchanged(config):
    path = osp.join(REPO, 'configs', config)
    assert osp.isfile(path), (
        f'{config} is pinned in {PIN} but absent: renamed? move its entry')
    cfg = Config.fromfile(path)
    for field in ('model', 'onnx_cfg'):
        assert _plain(cfg.to_dict()[field]) == PINNED[config][field], (
            f'{config}: {field} differs from the pinned one')


def test_thermal_base_is_mmaction_slowfast():
    """The base is mmaction2's file, overridden only in the head."""
    import mmaction
    upstream = Config.fromfile(osp.join(osp.dirname(mmaction.__file__), '.mim',
                                   'configs', '_base_', 'models',
                                   'slowfast_r50.py'))
    base = osp.join(REPO, 'configs', '_base_', 'models',
                    'slowfast_r50_thermal.py')
    with open(base) as f:
        assert "_base_ = 'mmaction::_base_/models/slowfast_r50.py'" in f.read()
    ours = _plain(Config.fromfile(base).to_dict()['model'])
    theirs = _plain(upstream.to_dict()['model'])
    assert ours['backbone'] == theirs['backbone']
    assert ours['data_preprocessor'] == theirs['data_preprocessor']
    head = dict(theirs['cls_head'], num_classes=14, dropout_ratio=0.8,
                loss_cls=dict(type='CrossEntropyLoss'))
    assert ours['cls_head'] == head
