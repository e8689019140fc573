"""MaskedMSELoss against manual computations."""
import torch
from mmaction.registry import MODELS


def build(**kwargs):
    return MODELS.build(dict(type='MaskedMSELoss', **kwargs))


def test_without_mask_is_mse():
    torch.manual_seed(0)
    pred, target = torch.randn(4, 2, 8, 18), torch.randn(4, 2, 8, 18)
    expected = ((pred - target) ** 2).mean()
    torch.testing.assert_close(build()(pred, target), expected)
    torch.testing.assert_close(build(loss_weight=0.25)(pred, target),
                               0.25 * expected)


def test_with_mask_is_masked_mean():
    torch.manual_seed(1)
    pred, target = torch.randn(4, 2, 8, 18), torch.randn(4, 2, 8, 18)
    mask = torch.rand(4, 2, 8, 18) > 0.6
    squared = ((pred - target) ** 2)[mask]
    torch.testing.assert_close(build()(pred, target, mask), squared.mean())
    torch.testing.assert_close(build(loss_weight=3.0)(pred, target, mask),
                               3.0 * squared.mean())


def test_broadcast_mask_over_time():
    torch.manual_seed(2)
    pred, target = torch.randn(3, 2, 10, 18), torch.randn(3, 2, 10, 18)
    mask = torch.zeros(3, 1, 10, 1)
    mask[:, :, :6] = 1  # the last 4 time steps are padding
    expected = ((pred - target)[:, :, :6] ** 2).mean()
    torch.testing.assert_close(build()(pred, target, mask), expected)


def test_all_false_mask_gives_zero_not_nan():
    pred, target = torch.randn(2, 2, 4, 18), torch.randn(2, 2, 4, 18)
    loss = build()(pred, target, torch.zeros(2, 2, 4, 18, dtype=torch.bool))
    assert torch.isfinite(loss) and loss.item() == 0.0


def test_gradient_only_through_masked_elements():
    pred = torch.randn(2, 5, requires_grad=True)
    target = torch.zeros(2, 5)
    mask = torch.tensor([[1, 1, 0, 0, 0], [0, 0, 0, 0, 1]], dtype=torch.bool)
    build()(pred, target, mask).backward()
    assert (pred.grad[~mask] == 0).all()
    torch.testing.assert_close(pred.grad[mask], 2 * pred[mask].detach() / 3)
