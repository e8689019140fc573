from typing import Iterator, Optional, Sized, Tuple, Union

import numpy as np
from mmaction.registry import DATA_SAMPLERS
from mmengine.dist import get_rank, sync_random_seed
from torch.utils.data import Sampler


def sample_seed(seed: int, epoch: int, rank: int, position: int,
                index: int) -> int:
    """The seed of one sample draw: a hash (numpy's ``SeedSequence``) of
    the run's sampler seed, the epoch, the rank, the draw's position in the
    rank's epoch and the sample index; in ``[0, 2**32)``."""
    entropy = [int(v) % 2**64 for v in (seed, epoch, rank, position, index)]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def find_seeded_sampler(loader) -> Optional['SeededIndexSampler']:
    """The :class:`SeededIndexSampler` of a dataloader (as its sampler or
    its batch sampler's), or None."""
    for sampler in (getattr(loader, 'sampler', None),
                    getattr(getattr(loader, 'batch_sampler', None),
                            'sampler', None)):
        if isinstance(sampler, SeededIndexSampler):
            return sampler
    return None


@DATA_SAMPLERS.register_module()
class SeededIndexSampler(Sampler):
    """Wraps a sampler so that it yields ``(index, seed)`` instead of
    ``index``, for datasets with
    :class:`~ftplugin.datasets.seeded_sample_mixin.SeededSampleMixin`.

    The seed is :func:`sample_seed` of the wrapped sampler's ``seed`` (the
    run's seed; the wrapper's own when the wrapped sampler has none), the
    epoch (:meth:`set_epoch`, called by mmengine's ``DistSamplerSeedHook``
    before every epoch, also after ``--resume``), the rank, the position of
    the draw in the epoch and the index. A sample's augmentations are then
    fixed by these alone, whichever dataloader worker (and however many)
    prepares it; a sample drawn twice in one epoch (``ClassBalancedSampler``
    draws with replacement) gets two different draws.

    ``seed`` reads and writes the wrapped sampler's (``RandomStateHook``
    saves and restores it); ``set_epoch`` is passed on. Other attributes
    are the wrapped sampler's.

    Args:
        dataset (Sized): The dataset, passed to the wrapped sampler.
        sampler (dict | Sampler): The wrapped sampler or its config
            (``DefaultSampler``, ``ClassBalancedSampler``, ...).
        seed (int, optional): The run's seed, passed to the wrapped
            sampler's config; a synchronised random seed when None.
            Defaults to None.
    """

    def __init__(self, dataset: Sized, sampler: Union[dict, Sampler],
                 seed: Optional[int] = None) -> None:
        if isinstance(sampler, dict):
            sampler = DATA_SAMPLERS.build(
                sampler, default_args=dict(dataset=dataset, seed=seed))
        self.sampler = sampler
        if seed is None:
            seed = getattr(sampler, 'seed', None)
        self._seed = sync_random_seed() if seed is None else int(seed)
        self.rank = get_rank()
        self.epoch = 0

    @property
    def seed(self) -> int:
        """The wrapped sampler's seed (the wrapper's when it has none)."""
        return getattr(self.sampler, 'seed', self._seed)

    @seed.setter
    def seed(self, value: int) -> None:
        self._seed = value
        if hasattr(self.sampler, 'seed'):
            self.sampler.seed = value

    def set_epoch(self, epoch: int) -> None:
        """The epoch mixed into the seeds; passed to the wrapped sampler."""
        self.epoch = epoch
        if hasattr(self.sampler, 'set_epoch'):
            self.sampler.set_epoch(epoch)

    def __iter__(self) -> Iterator[Tuple[int, int]]:
        seed, epoch = self.seed, self.epoch
        for position, index in enumerate(self.sampler):
            yield index, sample_seed(seed, epoch, self.rank, position, index)

    def __len__(self) -> int:
        return len(self.sampler)

    def __getattr__(self, name: str):
        # only reached for attributes the wrapper lacks (shuffle, dataset,
        # ...); 'sampler' itself guards against recursion while unpickling
        if name == 'sampler':
            raise AttributeError(name)
        return getattr(self.sampler, name)
