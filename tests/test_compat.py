"""ftplugin.compat: the patches that make the pinned stack run here."""
import importlib.util
import os.path as osp
import sys

import pytest
import torch
from torch import nn


def test_import_mmaction_models_in_fresh_process(run_tool):
    code = ('import ftplugin, mmaction.models, sys\n'
            'from mmaction.registry import MODELS\n'
            'assert MODELS.get("DRN") is not None\n'
            'assert "mmaction.models.localizers.drn" in sys.modules\n'
            'print("ok")\n')
    proc = run_tool(['-c', code])
    assert proc.stdout.strip().endswith('ok')


def test_drn_is_registered_and_cannot_be_built():
    import mmaction.models  # noqa: F401
    from mmaction.registry import MODELS
    assert MODELS.get('DRN') is not None
    with pytest.raises(Exception):
        MODELS.build(dict(type='DRN'))


def test_building_drn_raises_naming_the_upstream_issue():
    import mmaction.models  # noqa: F401
    from mmaction.registry import MODELS
    with pytest.raises(Exception, match='2714'):
        MODELS.build(dict(type='DRN'))


def test_get_installed_path_and_is_installed():
    import mmaction
    import mmengine.utils
    from mmengine.utils import get_installed_path, is_installed
    expected = osp.dirname(mmaction.__file__)
    assert osp.samefile(mmengine.utils.get_installed_path('mmaction2'),
                        expected)
    assert osp.samefile(get_installed_path('mmaction2'), expected)
    assert osp.samefile(get_installed_path('mmaction'), expected)
    assert is_installed('mmaction2') and is_installed('mmengine')
    assert not is_installed('surely_not_an_installed_package_42')


def test_mmaction_scoped_base_config(tmp_path):
    import mmaction
    from mmengine.config import Config
    cfg_file = tmp_path / 'uses_mmaction_base.py'
    cfg_file.write_text("_base_ = 'mmaction::_base_/default_runtime.py'\n"
                        'my_value = 3\n')
    cfg = Config.fromfile(str(cfg_file))
    upstream = Config.fromfile(osp.join(
        osp.dirname(mmaction.__file__), '.mim', 'configs', '_base_',
        'default_runtime.py'))
    assert cfg.my_value == 3
    assert cfg.default_scope == upstream.default_scope == 'mmaction'

    def strip_scope(hooks):
        return {name: {k: v for k, v in hook.items() if k != '_scope_'}
                for name, hook in hooks.to_dict().items()}

    assert strip_scope(cfg.default_hooks) == strip_scope(
        upstream.default_hooks)


def test_amp_optim_wrapper_on_cpu():
    if torch.cuda.is_available():
        pytest.skip('checks the CPU fallback of AmpOptimWrapper')
    from mmengine.optim import build_optim_wrapper
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 1))
    wrapper = build_optim_wrapper(model, dict(
        type='AmpOptimWrapper', loss_scale='dynamic',
        optimizer=dict(type='SGD', lr=0.1)))
    before = [p.detach().clone() for p in model.parameters()]
    x, y = torch.randn(16, 8), torch.randn(16, 1)
    with wrapper.optim_context(model):
        hidden = model[0](x)
        assert hidden.dtype == torch.bfloat16
        out = model[2](model[1](hidden))
        loss = (out.float() - y).pow(2).mean()
    wrapper.update_params(loss)
    after = list(model.parameters())
    assert all(p.dtype == torch.float32 for p in after)
    assert any(not torch.equal(a, b) for a, b in zip(after, before))
    # outside the context: float32 again
    assert model[0](x).dtype == torch.float32
    # checkpoints round-trip (no GPU loss scaler involved)
    state = wrapper.state_dict()
    wrapper.load_state_dict(dict(state, loss_scaler={'scale': 1.0}))
    wrapper.load_state_dict(state)


def test_amp_optim_wrapper_dtype_argument():
    if torch.cuda.is_available():
        pytest.skip('checks the CPU fallback of AmpOptimWrapper')
    from mmengine.optim import build_optim_wrapper
    model = nn.Linear(4, 2)
    wrapper = build_optim_wrapper(model, dict(
        type='AmpOptimWrapper', dtype='float16',
        optimizer=dict(type='SGD', lr=0.1)))
    with wrapper.optim_context(model):
        assert model(torch.randn(3, 4)).dtype == torch.float16


def test_init_dist_pytorch_uses_gloo_without_cuda(monkeypatch):
    if torch.cuda.is_available():
        pytest.skip('checks the CPU path')
    import torch.distributed as torch_dist
    from mmengine.dist import utils as dist_utils
    calls = []
    monkeypatch.setattr(torch_dist, 'init_process_group',
                        lambda **kw: calls.append(kw))

    def no_cuda(*args, **kwargs):
        raise AssertionError('torch.cuda.set_device called on a CPU host')

    monkeypatch.setattr(torch.cuda, 'set_device', no_cuda)
    dist_utils._init_dist_pytorch('nccl')
    assert len(calls) == 1 and calls[0]['backend'] == 'gloo'


def test_apply_is_idempotent():
    from mmengine.registry import OPTIM_WRAPPERS

    from ftplugin import compat
    wrapper = OPTIM_WRAPPERS.get('AmpOptimWrapper')
    compat.apply()
    assert OPTIM_WRAPPERS.get('AmpOptimWrapper') is wrapper
    assert importlib.util.find_spec('mmaction') is not None
    assert 'mmaction.models.localizers.drn' in sys.modules


def test_cpu_amp_train_step_of_the_pose_classifier():
    """A whole mmengine train_step of the kaggle_pose model under the CPU
    AmpOptimWrapper: bfloat16 autocast must not break mmaction2's head
    (its top-k accuracy goes through numpy, which has no bfloat16)."""
    if torch.cuda.is_available():
        pytest.skip('checks the CPU fallback of AmpOptimWrapper')
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    from mmengine.optim import build_optim_wrapper
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='PoseAEClassifier', backbone=dict(type='PoseAutoencoder'),
        cls_head=dict(type='MLPHead', num_classes=2, in_channels=128,
                      average_clips='prob')))
    wrapper = build_optim_wrapper(model, dict(
        type='AmpOptimWrapper', optimizer=dict(type='Adam', lr=1e-3)))
    data = dict(inputs=[torch.randn(2, 64, 18) for _ in range(8)],
                data_samples=[ActionDataSample().set_gt_label(
                    torch.tensor(i % 2)) for i in range(8)])
    before = model.cls_head.classifier[0].weight.detach().clone()
    log_vars = model.train_step(data, wrapper)
    assert {'loss', 'loss_cls', 'loss_recon'} <= set(log_vars)
    assert all(torch.isfinite(torch.as_tensor(v)).all()
               for v in log_vars.values())
    after = model.cls_head.classifier[0].weight
    assert after.dtype == torch.float32
    assert not torch.equal(after, before)
