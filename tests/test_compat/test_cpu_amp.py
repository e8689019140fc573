"""compat.cpu_amp: AmpOptimWrapper on a machine without CUDA."""
import pytest
import torch
from torch import nn


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


def test_head_scores_patch_matches_the_original_on_float32():
    """On the float32 scores mmaction2's BaseHead handles, the patched
    loss_by_feat gives exactly the original's losses and accuracies."""
    from mmaction.models.heads import BaseHead
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    patched = BaseHead.loss_by_feat
    if not getattr(patched, '_ftplugin', False):
        pytest.skip('the head patch is not applied here')
    head = MODELS.build(dict(type='I3DHead', num_classes=5, in_channels=8))
    torch.manual_seed(0)
    scores = torch.randn(6, 5)
    samples = [ActionDataSample().set_gt_label(torch.tensor(i % 5))
               for i in range(6)]
    ours = patched(head, scores, samples)
    theirs = patched._original(head, scores, samples)
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert torch.equal(torch.as_tensor(ours[key]),
                           torch.as_tensor(theirs[key])), key
