"""Per-class loss weights from class counts (for imbalanced datasets).

``tools/analysis/class_weights.py`` computes them from an annotation file
and prints the config snippet that wires them into the loss
(``model.cls_head.loss_cls.class_weight``).
"""
from typing import Dict, List, Sequence

import numpy as np

METHODS = ('inverse', 'effective')


def class_weights(counts: Sequence[int],
                  method: str = 'inverse',
                  beta: float = 0.999,
                  power: float = 1.0) -> List[float]:
    """Weights of each class, 0 for classes without samples.

    * ``'inverse'``: ``w_c = (N / (K * n_c)) ** power`` over the K classes
      present (scikit-learn's ``'balanced'`` for ``power=1``); the
      sample-weighted mean of the weights is 1 for ``power=1``.
    * ``'effective'``: the effective number of samples (Cui et al., CVPR
      2019), ``w_c = (1 - beta) / (1 - beta ** n_c)``, normalised so the
      present classes' weights sum to K. ``beta -> 1`` approaches inverse
      frequency, ``beta = 0`` gives equal weights.

    A class with no sample never is a target, so its weight does not
    matter to a weighted cross-entropy; it is 0 to make that visible.

    Args:
        counts (Sequence[int]): Samples per class id.
        method (str): ``'inverse'`` or ``'effective'``.
        beta (float): For ``'effective'``, in [0, 1).
        power (float): For ``'inverse'``; 0.5 is the square-root variant.

    Returns:
        list[float]: One weight per class id.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or (counts < 0).any():
        raise ValueError(f'counts must be a 1-d list of non-negative '
                         f'numbers, got {counts.tolist()}')
    present = counts > 0
    if not present.any():
        raise ValueError('every class count is 0')
    weights = np.zeros_like(counts)
    k = int(present.sum())
    if method == 'inverse':
        weights[present] = (counts.sum() / (k * counts[present]))**power
    elif method == 'effective':
        if not 0.0 <= beta < 1.0:
            raise ValueError(f'beta must be in [0, 1), got {beta}')
        raw = (1.0 - beta) / (1.0 - beta**counts[present])
        weights[present] = raw * k / raw.sum()
    else:
        raise ValueError(f'method must be one of {METHODS}, got {method!r}')
    return [float(w) for w in weights]


def label_counts(labels: Sequence[int], num_classes: int) -> List[int]:
    """Samples per class id 0..num_classes-1."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'labels must be in 0..{num_classes - 1}, got '
                         f'{labels.min()}..{labels.max()}')
    return np.bincount(labels, minlength=num_classes).tolist()


def weights_report(classes: Sequence[str], counts: Sequence[int],
                   weights: Sequence[float]) -> Dict[str, dict]:
    """``{class: {'id', 'count', 'weight'}}`` for JSON output."""
    return {name: dict(id=i, count=int(n), weight=float(w))
            for i, (name, n, w) in enumerate(zip(classes, counts, weights))}
