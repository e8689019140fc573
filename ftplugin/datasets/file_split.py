"""Seeded, stratified split of a dataset's files: train/val/test or k folds.

Shared by the file-based datasets (pose) and by ``tools/analysis/kfold.py``,
so the files a k-fold run tests are exactly those the dataset yields.
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np

SPLITS = ('train', 'val', 'test', 'all')


def check_split_args(split: str, split_ratios: Sequence[float],
                     num_folds: int, fold: int) -> None:
    """Raise a ValueError naming the bad split argument."""
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    if len(split_ratios) != 3 or abs(sum(split_ratios) - 1) > 1e-6:
        raise ValueError(f'split_ratios must be 3 fractions summing to 1,'
                         f' got {split_ratios}')
    if num_folds == 1 or num_folds < 0:
        raise ValueError(f'num_folds must be 0 (no folds) or >= 2, got '
                         f'{num_folds}')
    if num_folds and not 0 <= fold < num_folds:
        raise ValueError(f'fold must be in [0, {num_folds}), got {fold}')


def split_files(files: List[Tuple[str, int]],
                split: str = 'all',
                split_ratios: Sequence[float] = (0.7, 0.2, 0.1),
                split_seed: int = 42,
                max_samples_per_class: Optional[int] = None,
                num_folds: int = 0,
                fold: int = 0) -> List[Tuple[str, int]]:
    """Select the ``(path, label)`` pairs of one split, stratified by label.

    Without folds (``num_folds=0``) each class is shuffled with
    ``split_seed`` and cut by ``split_ratios`` into train/val/test. With
    ``num_folds=k`` each shuffled class is dealt round-robin into k folds:
    ``'test'`` is fold ``fold``; the other folds are cut into ``'val'`` (the
    fraction ``val / (train + val)`` of ``split_ratios``) and ``'train'``.
    Across ``fold = 0..k-1`` every file is in exactly one ``'test'``.

    Args:
        files (list[tuple]): ``(path, label)`` pairs sorted by path.
        split (str): ``'train'``, ``'val'``, ``'test'`` or ``'all'``.
        split_ratios (Sequence[float]): Train/val/test fractions.
        split_seed (int): Seed of the shuffles.
        max_samples_per_class (int, optional): Keep only the first N files
            (sorted by name) of each class before splitting.
        num_folds (int): 0 for the ratio split, k >= 2 for k folds.
        fold (int): The held-out fold, in [0, k).

    Returns:
        list[tuple]: The pairs of this split, sorted by path.
    """
    check_split_args(split, split_ratios, num_folds, fold)
    rng = np.random.default_rng(split_seed)
    selected = []
    for label in sorted({label for _, label in files}):
        group = [f for f in files if f[1] == label]
        if max_samples_per_class:
            group = group[:max_samples_per_class]
        if split == 'all':
            selected += group
            continue
        order = rng.permutation(len(group))
        if num_folds:
            held_out = [i for p, i in enumerate(order)
                        if p % num_folds == fold]
            if split == 'test':
                selected += [group[i] for i in held_out]
                continue
            order = [i for p, i in enumerate(order) if p % num_folds != fold]
            val_share = split_ratios[1] / (split_ratios[0] + split_ratios[1])
            n_val = int(round(val_share * len(order)))
            bounds = {'val': (0, n_val), 'train': (n_val, len(order))}[split]
        else:
            n_train = int(round(split_ratios[0] * len(group)))
            n_val = int(round(split_ratios[1] * len(group)))
            bounds = {'train': (0, n_train),
                      'val': (n_train, n_train + n_val),
                      'test': (n_train + n_val, len(group))}[split]
        selected += [group[i] for i in order[bounds[0]:bounds[1]]]
    return sorted(selected)
