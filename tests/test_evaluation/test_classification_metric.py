"""ClassificationMetric and ReconstructionMetric against sklearn / numpy."""
import numpy as np
import pytest
import torch
from mmaction.registry import METRICS
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_score, recall_score, roc_auc_score,
                             top_k_accuracy_score)


def evaluate(scores, labels, classes, **kwargs):
    metric = METRICS.build(dict(type='ClassificationMetric', **kwargs))
    metric.dataset_meta = dict(classes=classes)
    half = len(labels) // 2
    for part in (slice(0, half), slice(half, None)):  # two batches
        metric.process(None, [
            dict(pred_score=torch.tensor(s), gt_label=torch.tensor(lab))
            for s, lab in zip(scores[part], labels[part])])
    return metric.evaluate(len(labels))


def random_predictions(seed, n, num_classes):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, num_classes))
    scores = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = rng.integers(0, num_classes, n)
    return scores.astype(np.float32), labels


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_binary_against_sklearn(seed):
    scores, labels = random_predictions(seed, 97, 2)
    preds = scores.argmax(1)
    m = evaluate(scores, labels, ('No_Fall', 'Fall'))
    assert m['acc/top1'] == pytest.approx(accuracy_score(labels, preds))
    per_class = recall_score(labels, preds, average=None)
    assert m['acc/No_Fall'] == pytest.approx(per_class[0])
    assert m['acc/Fall'] == pytest.approx(per_class[1])
    assert m['acc/mean_class'] == pytest.approx(per_class.mean())
    assert m['precision/Fall'] == pytest.approx(
        precision_score(labels, preds, pos_label=1))
    assert m['recall/Fall'] == pytest.approx(
        recall_score(labels, preds, pos_label=1))
    assert m['f1/Fall'] == pytest.approx(f1_score(labels, preds, pos_label=1))
    assert m['auc/roc'] == pytest.approx(roc_auc_score(labels, scores[:, 1]))
    assert np.array_equal(np.asarray(m['confusion_matrix']),
                          confusion_matrix(labels, preds, labels=[0, 1]))


def test_auc_with_tied_scores_against_sklearn():
    # scores on a coarse grid: many ties, which count one half in the AUC
    scores, labels = random_predictions(7, 120, 2)
    scores = np.round(scores, 1)
    scores[:, 0] = 1 - scores[:, 1]
    m = evaluate(scores, labels, ('No_Fall', 'Fall'))
    assert m['auc/roc'] == pytest.approx(roc_auc_score(labels, scores[:, 1]))
    scores, labels = random_predictions(8, 120, 3)
    scores = np.round(scores, 1) + 1e-3
    m = evaluate(scores, labels, ('a', 'b', 'c'))
    probs = scores / scores.sum(1, keepdims=True)
    assert m['auc/roc'] == pytest.approx(
        roc_auc_score(labels, probs, multi_class='ovr'))


def test_pos_label_zero():
    scores, labels = random_predictions(5, 60, 2)
    preds = scores.argmax(1)
    m = evaluate(scores, labels, ('No_Fall', 'Fall'), pos_label=0)
    assert m['precision/No_Fall'] == pytest.approx(
        precision_score(labels, preds, pos_label=0))
    assert m['recall/No_Fall'] == pytest.approx(
        recall_score(labels, preds, pos_label=0))
    assert 'precision/Fall' not in m


def test_multiclass_against_sklearn():
    scores, labels = random_predictions(3, 150, 4)
    preds = scores.argmax(1)
    names = ('a', 'b', 'c', 'd')
    m = evaluate(scores, labels, names, topk=(1, 2, 3))
    assert m['acc/top1'] == pytest.approx(accuracy_score(labels, preds))
    for k in (2, 3):
        assert m[f'acc/top{k}'] == pytest.approx(top_k_accuracy_score(
            labels, scores, k=k, labels=range(4)))
    per_class = recall_score(labels, preds, average=None)
    for name, value in zip(names, per_class):
        assert m[f'acc/{name}'] == pytest.approx(value)
    assert m['auc/roc'] == pytest.approx(
        roc_auc_score(labels, scores, multi_class='ovr'))
    assert not any(k.startswith(('precision/', 'recall/', 'f1/')) for k in m)
    assert np.array_equal(np.asarray(m['confusion_matrix']),
                          confusion_matrix(labels, preds, labels=range(4)))


def test_single_class_present_has_no_auc():
    scores, _ = random_predictions(4, 10, 2)
    m = evaluate(scores, np.ones(10, int), ('No_Fall', 'Fall'))
    assert 'auc/roc' not in m
    assert 'acc/No_Fall' not in m
    assert m['acc/Fall'] == pytest.approx((scores.argmax(1) == 1).mean())
    assert np.asarray(m['confusion_matrix']).shape == (2, 2)


def test_reconstruction_metric():
    metric = METRICS.build(dict(type='ReconstructionMetric'))
    errors = np.random.default_rng(0).random(11)
    metric.process(None, [dict(recon_error=torch.tensor(e))
                          for e in errors[:5]])
    metric.process(None, [dict(recon_error=torch.tensor(e))
                          for e in errors[5:]])
    m = metric.evaluate(11)
    assert m['recon/mse'] == pytest.approx(errors.mean())
