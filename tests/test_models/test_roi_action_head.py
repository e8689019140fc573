"""RoIActionHead: class groups, their losses and scores."""
import pytest
import torch
import torch.nn.functional as F

from ftplugin.models.heads import RoIActionHead


def test_default_is_all_sigmoid_bce():
    head = RoIActionHead(4, 3, dropout_ratio=0)
    logits = torch.randn(5, 3)
    labels = (torch.rand(5, 3) > 0.5).float()
    losses = head.loss_by_labels(logits, labels)
    assert list(losses) == ['loss_action']
    expected = F.binary_cross_entropy_with_logits(logits, labels)
    assert torch.allclose(losses['loss_action'], expected)
    assert torch.allclose(head.predict_scores(logits), logits.sigmoid())


def test_exclusive_and_multi_label_groups_with_weights():
    head = RoIActionHead(
        4, 5, dropout_ratio=0, groups=[
            dict(name='pose', classes=[3, 0], activation='softmax',
                 loss='ce', loss_weight=2.0),
            dict(name='other', classes=None, activation='sigmoid',
                 loss='focal', gamma=2.0, loss_weight=0.5)])
    logits = torch.randn(3, 5)
    labels = torch.tensor([[1., 0, 1, 0, 0],   # pose 0
                           [0., 1, 0, 1, 1],   # pose 3
                           [0., 1, 0, 0, 0]])  # no pose: out of that loss
    losses = head.loss_by_labels(logits, labels)
    pose_logits = logits[:2][:, [3, 0]]
    ce = F.cross_entropy(pose_logits, torch.tensor([1, 0]))
    assert torch.allclose(losses['loss_pose'], 2.0 * ce, atol=1e-6)
    rest = logits[:, [1, 2, 4]]
    target = labels[:, [1, 2, 4]]
    p = rest.sigmoid()
    p_t = p * target + (1 - p) * (1 - target)
    focal = (F.binary_cross_entropy_with_logits(rest, target,
                                                reduction='none') *
             (1 - p_t) ** 2).mean()
    assert torch.allclose(losses['loss_other'], 0.5 * focal, atol=1e-6)
    scores = head.predict_scores(logits)
    # the exclusive group sums to one, in class order
    assert torch.allclose(scores[:, [0, 3]].sum(1), torch.ones(3))
    assert torch.allclose(scores[:, 3], logits[:, [3, 0]].softmax(1)[:, 0])
    assert torch.allclose(scores[:, 2], logits[:, 2].sigmoid())


def test_softmax_focal_and_group_checks():
    head = RoIActionHead(4, 2, groups=[dict(classes=[0, 1],
                                            activation='softmax',
                                            loss='focal', gamma=2.0)])
    logits = torch.tensor([[2.0, -1.0]])
    value = list(head.loss_by_labels(logits, torch.tensor([[1., 0]]))
                 .values())[0]
    p = logits.softmax(1)[0, 0]
    assert torch.allclose(value, -(1 - p) ** 2 * p.log())
    with pytest.raises(ValueError, match='exactly once'):
        RoIActionHead(4, 3, groups=[dict(classes=[0, 1]),
                                    dict(classes=[1, 2])])
    with pytest.raises(ValueError, match='loss of a sigmoid group'):
        RoIActionHead(4, 2, groups=[dict(classes=None, loss='ce')])
    # features (R, C, h, w) pooled by max over space
    feats = torch.zeros(2, 4, 3, 3)
    feats[0, :, 1, 1] = 1.0
    head = RoIActionHead(4, 2, dropout_ratio=0)
    out = head(feats)
    assert torch.allclose(out[0], head.fc_cls(torch.ones(4)))
