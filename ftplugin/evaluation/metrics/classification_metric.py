from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from scipy.stats import rankdata


def _cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean negative log-probability of the true class."""
    if (probs < 0).any() or not np.allclose(probs.sum(axis=1), 1, atol=1e-2):
        raise ValueError('with_loss needs class probabilities as pred_score:'
                         " set the head's average_clips='prob'")
    picked = probs[np.arange(len(labels)), labels].astype(np.float64)
    return float(-np.log(np.clip(picked, 1e-12, None)).mean())


def _binary_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count one half), equal
    to sklearn's ``roc_auc_score``; sklearn's argument validation cost
    more than the rest of the metric at every validation epoch."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) /
                 (n_pos * n_neg))


@METRICS.register_module()
class ClassificationMetric(BaseMetric):
    """Accuracy, per-class accuracy, precision/recall/F1, ROC AUC, confusion.

    Keys: ``acc/top1``, ``acc/top{k}`` (k in ``topk``, k > 1),
    ``acc/mean_class``, ``acc/<class>`` for each class, ``precision/<pos>``,
    ``recall/<pos>``, ``f1/<pos>`` for the positive class (binary tasks, or
    ``pos_label`` given), ``auc/roc`` (binary: on the positive score;
    multi-class: one-vs-rest macro) and ``confusion_matrix`` (rows = truth,
    columns = prediction; a nested list, kept out of the scalar logs).
    Optional: ``loss`` (``with_loss``) and the original projects' names
    (``legacy_keys``).

    Args:
        topk (Sequence[int]): Top-k accuracies to report. Defaults to (1, ).
        pos_label (int, optional): The positive class for precision/recall/
            F1; defaults to 1 for two classes and none otherwise.
        with_loss (bool): Also report ``loss``, the mean cross-entropy of
            the predicted probabilities (``pred_score`` of a head with
            ``average_clips='prob'``), i.e. the validation / test loss.
            Defaults to False.
        legacy_keys (bool): Also report the original projects' names, in
            percent: ``accuracy`` and ``class_<i>_acc`` per class index.
            Defaults to False.
        collect_device (str): See :class:`BaseMetric`.
        prefix (str, optional): See :class:`BaseMetric`.
    """
    default_prefix = None

    def __init__(self,
                 topk: Sequence[int] = (1, ),
                 pos_label: Optional[int] = None,
                 with_loss: bool = False,
                 legacy_keys: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = tuple(topk)
        self.pos_label = pos_label
        self.with_loss = with_loss
        self.legacy_keys = legacy_keys

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(
                dict(score=sample['pred_score'].float().cpu().numpy(),
                     label=int(sample['gt_label'].item())))

    def compute_metrics(self, results: List[dict]) -> Dict[str, Any]:
        scores = np.stack([r['score'] for r in results])
        labels = np.array([r['label'] for r in results])
        num_classes = scores.shape[1]
        names = list((self.dataset_meta or {}).get(
            'classes', [str(i) for i in range(num_classes)]))
        preds = scores.argmax(axis=1)
        metrics: Dict[str, Any] = {}
        ranked = np.argsort(-scores, axis=1)
        for k in self.topk:
            if k == 1 or k < num_classes:
                hit = (ranked[:, :k] == labels[:, None]).any(axis=1)
                metrics[f'acc/top{k}'] = float(hit.mean())
        per_class = []
        for c, name in enumerate(names):
            if (labels == c).any():
                per_class.append(float((preds[labels == c] == c).mean()))
                metrics[f'acc/{name}'] = per_class[-1]
        metrics['acc/mean_class'] = float(np.mean(per_class))
        pos = self.pos_label
        if pos is None and num_classes == 2:
            pos = 1
        if pos is not None:
            tp = int(((preds == pos) & (labels == pos)).sum())
            precision = tp / max(int((preds == pos).sum()), 1)
            recall = tp / max(int((labels == pos).sum()), 1)
            metrics[f'precision/{names[pos]}'] = precision
            metrics[f'recall/{names[pos]}'] = recall
            metrics[f'f1/{names[pos]}'] = (
                2 * precision * recall / (precision + recall)
                if precision + recall else 0.0)
        present = np.unique(labels)
        if len(present) == num_classes == 2:
            metrics['auc/roc'] = _binary_auc(labels == 1, scores[:, 1])
        elif len(present) == num_classes > 2:
            # one-vs-rest, macro average (sklearn's multi_class='ovr')
            probs = scores / scores.sum(axis=1, keepdims=True)
            metrics['auc/roc'] = float(np.mean([
                _binary_auc(labels == c, probs[:, c])
                for c in range(num_classes)]))
        if self.with_loss:
            metrics['loss'] = _cross_entropy(scores, labels)
        if self.legacy_keys:
            metrics['accuracy'] = 100.0 * float((preds == labels).mean())
            for c in range(num_classes):
                if (labels == c).any():
                    metrics[f'class_{c}_acc'] = 100.0 * float(
                        (preds[labels == c] == c).mean())
        metrics['confusion_matrix'] = np.bincount(
            labels * num_classes + preds,
            minlength=num_classes * num_classes).reshape(
                num_classes, num_classes).tolist()
        return metrics
