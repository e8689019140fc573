"""FocalLoss against the formula, as cross-entropy at gamma 0, in a head."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS


def _focal_reference(scores, labels, gamma, weight):
    """Per-sample loop, straight from the formula."""
    total, norm = 0.0, 0.0
    for s, y in zip(scores.tolist(), labels.tolist()):
        p = np.exp(s - np.max(s))
        p /= p.sum()
        total += -weight[y] * (1 - p[y])**gamma * np.log(p[y])
        norm += weight[y]
    return total / norm


@pytest.mark.parametrize('gamma', [0.5, 2.0])
def test_focal_loss_matches_the_formula(gamma):
    gen = torch.Generator().manual_seed(1)
    scores = torch.randn(16, 5, generator=gen) * 3
    labels = torch.randint(0, 5, (16, ), generator=gen)
    weight = [0.5, 2.0, 1.0, 3.0, 0.2]
    loss = MODELS.build(dict(type='FocalLoss', gamma=gamma,
                             class_weight=weight))
    got = loss(scores, labels)
    assert got.item() == pytest.approx(
        _focal_reference(scores.numpy(), labels.numpy(), gamma, weight),
        rel=1e-5)
    # soft one-hot labels give the same; sum = mean x summed weights
    soft = F.one_hot(labels, 5).float()
    assert loss(scores, soft).item() == pytest.approx(got.item(), rel=1e-6)
    summed = MODELS.build(dict(type='FocalLoss', gamma=gamma,
                               class_weight=weight, reduction='sum'))
    norm = torch.tensor(weight)[labels].sum()
    assert summed(scores, labels).item() == pytest.approx(
        (got * norm).item(), rel=1e-5)


def test_focal_loss_gamma_0_is_cross_entropy_and_focuses():
    gen = torch.Generator().manual_seed(2)
    scores = torch.randn(12, 4, generator=gen, requires_grad=True)
    labels = torch.randint(0, 4, (12, ), generator=gen)
    weight = torch.tensor([1.0, 0.3, 2.0, 5.0])
    ce = MODELS.build(dict(type='FocalLoss', gamma=0.0,
                           class_weight=weight.tolist()))
    torch.testing.assert_close(ce(scores, labels),
                               F.cross_entropy(scores, labels, weight=weight))
    # easy examples (high p_y) are down-weighted: a confident right answer
    # costs far less than under cross-entropy
    easy = torch.tensor([[8.0, 0.0, 0.0, 0.0]])
    focal = MODELS.build(dict(type='FocalLoss', gamma=2.0))
    assert focal(easy, torch.tensor([0])) < 1e-3 * F.cross_entropy(
        easy, torch.tensor([0]))
    none = MODELS.build(dict(type='FocalLoss', reduction='none'))
    assert none(scores, labels).shape == (12, )
    focal(scores, labels).backward()
    assert scores.grad is not None and torch.isfinite(scores.grad).all()


def test_focal_loss_in_a_head():
    head = MODELS.build(dict(
        type='I3DHead', num_classes=3, in_channels=8,
        loss_cls=dict(type='FocalLoss', gamma=2.0,
                      class_weight=[1.0, 2.0, 4.0]), label_smooth_eps=0.1))
    from mmaction.structures import ActionDataSample
    samples = [ActionDataSample().set_gt_label(torch.tensor(i % 3))
               for i in range(4)]
    losses = head.loss(torch.randn(4, 8, 2, 2, 2), samples)
    assert torch.isfinite(losses['loss_cls'])
