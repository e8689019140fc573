"""Datasets whose samples draw their augmentations from a per-sample seed."""
from contextlib import contextmanager
from typing import Iterator, Tuple, Union

import torch

from ..utils.random_state import (get_generator_states, seed_all,
                                  set_generator_states)

SeededIndex = Tuple[int, int]


@contextmanager
def seeded_random(seed: int) -> Iterator[None]:
    """:func:`~ftplugin.utils.random_state.seed_all` for the duration of
    the block.

    In the main process (``num_workers=0``) the generators' states are put
    back afterwards: its streams also drive dropout and the sampler, and a
    sample must not change them. A dataloader worker's are not: nothing
    in a worker draws outside a sample, and reading and writing numpy's
    state costs about 0.6 ms, against 2-8 ms for a thermal CPU sample's
    read and pipeline.

    Args:
        seed (int): In ``[0, 2**32)``.
    """
    if torch.utils.data.get_worker_info() is not None:
        seed_all(seed)
        yield
        return
    states = get_generator_states()
    seed_all(seed)
    try:
        yield
    finally:
        set_generator_states(states)


class SeededSampleMixin:
    """Lets a dataset take ``(index, seed)`` in ``__getitem__``: the sample
    ``index`` is prepared (read, then its pipeline run) with python's
    ``random``, numpy's global generator and torch seeded by ``seed``, so
    its random augmentations are a function of the seed alone.

    :class:`~ftplugin.datasets.SeededIndexSampler` (which
    :class:`~ftplugin.engine.FineTuneRunner` puts around the sampler of
    every loader whose dataset has this mixin) derives the seed from the
    run's seed, the epoch and the sample's position in the epoch. The
    dataloader workers then hold no random state that matters: they can be
    persistent, their number does not change the augmentations, and
    ``--resume`` repeats them exactly. A plain int index prepares the
    sample as before, drawing from whatever state the process's
    generators are in.

    Put it first among the bases (``class D(SeededSampleMixin,
    BaseActionDataset)``), so that its ``__getitem__`` runs first. Draws
    from generators of their own (``np.random.default_rng()`` inside a
    transform) are not covered.
    """

    #: read by FineTuneRunner.build_dataloader
    accepts_seeded_index = True

    def __getitem__(self, idx: Union[int, SeededIndex]) -> dict:
        if isinstance(idx, tuple):
            if len(idx) != 2:
                raise TypeError(f'{type(self).__name__}: a seeded index is '
                                f'(index, seed), got {idx!r}')
            index, seed = idx
            with seeded_random(int(seed)):
                return super().__getitem__(int(index))
        return super().__getitem__(idx)
