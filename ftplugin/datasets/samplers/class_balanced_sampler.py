import math
from typing import Iterator, Optional, Sized

import numpy as np
import torch
from mmaction.registry import DATA_SAMPLERS
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler


@DATA_SAMPLERS.register_module()
class ClassBalancedSampler(Sampler):
    """Draw samples so that rare classes are seen as often as common ones.

    Each epoch draws ``num_samples`` indices with replacement; a sample of
    class ``c`` is drawn with probability proportional to ``n_c ** -power``
    (``n_c`` samples of class ``c``), so each class gets a share
    proportional to ``n_c ** (1 - power)``: ``power=1`` balances the
    classes, ``0.5`` is the square-root compromise and ``0`` is plain
    uniform sampling with replacement. Labels come from the dataset's
    ``get_cat_ids(idx)`` (mmengine's convention), read once.

    Distributed: every rank draws the same sequence (same seed and epoch)
    and takes every ``world_size``-th index, like ``DefaultSampler``;
    ``DistSamplerSeedHook`` calls :meth:`set_epoch`.

    Args:
        dataset (Sized): Dataset with ``get_cat_ids(idx) -> [label]``.
        power (float): Exponent of the inverse class frequency.
            Defaults to 1.0.
        num_samples (int, optional): Draws per epoch over all ranks.
            Defaults to ``len(dataset)``.
        seed (int, optional): Same on every rank; a synchronised random
            seed when None. Defaults to None.
    """

    def __init__(self,
                 dataset: Sized,
                 power: float = 1.0,
                 num_samples: Optional[int] = None,
                 seed: Optional[int] = None) -> None:
        if not hasattr(dataset, 'get_cat_ids'):
            raise TypeError(f'ClassBalancedSampler needs a dataset with '
                            f'get_cat_ids(idx); {type(dataset).__name__} '
                            f'has none')
        if power < 0:
            raise ValueError(f'power must be >= 0, got {power}')
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.power = float(power)
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        labels = np.array([dataset.get_cat_ids(i)[0]
                           for i in range(len(dataset))])
        if labels.size == 0:
            raise ValueError('ClassBalancedSampler got an empty dataset')
        _, inverse, counts = np.unique(
            labels, return_inverse=True, return_counts=True)
        self.class_counts = dict(zip(np.unique(labels).tolist(),
                                     counts.tolist()))
        self.weights = torch.as_tensor(
            counts[inverse].astype(np.float64)**-self.power)
        total = len(dataset) if num_samples is None else int(num_samples)
        self.num_samples = math.ceil(total / self.world_size)
        self.total_size = self.num_samples * self.world_size

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        indices = torch.multinomial(
            self.weights, self.total_size, replacement=True,
            generator=generator).tolist()
        return iter(indices[self.rank:self.total_size:self.world_size])

    def __len__(self) -> int:
        """Draws per epoch on this rank."""
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """A new draw each epoch (called by ``DistSamplerSeedHook``)."""
        self.epoch = epoch
