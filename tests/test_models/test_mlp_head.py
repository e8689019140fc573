"""MLPHead: the multiple-instance training loss over several clips."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample


def head(**kwargs):
    torch.manual_seed(0)
    cfg = dict(type='MLPHead', num_classes=2, in_channels=8,
               hidden_dims=(4, ), dropout=0.0,
               loss_cls=dict(type='CrossEntropyLoss'))
    cfg.update(kwargs)
    return MODELS.build(cfg).eval()


def samples(labels):
    return [ActionDataSample().set_gt_label(torch.tensor(label))
            for label in labels]


def per_clip_probs(model, feats, num_segs):
    with torch.no_grad():
        return model(feats).softmax(-1).view(-1, num_segs, 2)


def test_max_aggregate_is_the_most_fall_like_clip():
    model = head(train_aggregate='max')
    feats = torch.randn(3 * 4, 8)  # 3 files x 4 clips
    labels = [1, 0, 1]
    probs = per_clip_probs(model, feats, 4)
    # the test-time rule ('max') picks the same clip the loss sees
    best = probs[torch.arange(3), probs[..., 1].argmax(1)]
    expected = F.nll_loss(best.log(), torch.tensor(labels))
    losses = model.loss(feats, samples(labels), num_segs=4)
    torch.testing.assert_close(losses['loss_cls'], expected)
    mean_rule = F.nll_loss(probs.mean(1).log(), torch.tensor(labels))
    assert not torch.allclose(losses['loss_cls'], mean_rule)


def test_max_aggregate_trains_only_the_chosen_clip():
    model = head(train_aggregate='max', hidden_dims=())  # no dead ReLUs
    feats = torch.randn(2 * 3, 8, requires_grad=True)
    probs = per_clip_probs(model, feats.detach(), 3)
    model.loss(feats, samples([0, 1]), num_segs=3)['loss_cls'].backward()
    touched = feats.grad.abs().sum(1).view(2, 3) > 0
    assert torch.equal(touched, F.one_hot(probs[..., 1].argmax(1), 3) > 0)


def test_prob_aggregate_with_label_smoothing():
    model = head(train_aggregate='prob', label_smooth_eps=0.1)
    feats = torch.randn(2 * 5, 8)
    probs = per_clip_probs(model, feats, 5).mean(1)
    target = torch.tensor([[0.05, 0.95], [0.95, 0.05]])
    expected = -(target * probs.log()).sum(1).mean()
    losses = model.loss(feats, samples([1, 0]), num_segs=5)
    torch.testing.assert_close(losses['loss_cls'], expected)
    # one clip per sample: the plain per-sample loss, no aggregation
    one = model.loss(feats[:2], samples([1, 0]))['loss_cls']
    logp = model(feats[:2]).log_softmax(-1)
    torch.testing.assert_close(one, -(target * logp).sum(1).mean())
    assert math.isfinite(float(one))


def test_several_clips_without_train_aggregate_is_an_error():
    with pytest.raises(ValueError, match='train_aggregate'):
        head().loss(torch.randn(4, 8), samples([0, 1]), num_segs=2)
    with pytest.raises(ValueError, match='train_aggregate'):
        head(train_aggregate='median')
