"""Seeding of dataloader workers that ``--resume`` can repeat."""
import numpy as np
import torch

from ..utils.random_state import seed_all


def resumable_worker_init_fn(worker_id: int, num_workers: int,
                             rank: int) -> None:
    """Seed python, numpy and torch in a dataloader worker from the seed
    torch gives the worker (the loader's base seed, drawn from the main
    process's torch generator each time an epoch's iterator starts, plus
    ``worker_id``), and the rank.

    mmengine's default seeds every worker with ``seed + worker_id`` only:
    without persistent workers each epoch then repeats the previous epoch's
    augmentations, and with them a resumed run restarts the workers' random
    streams from the first epoch's. Here the seeds follow from the main
    process's random state, which the checkpoint carries
    (``RandomStateHook``), so a resumed epoch draws what the uninterrupted
    one drew, and every epoch draws anew.

    Args:
        worker_id (int): The worker, in ``[0, num_workers)``.
        num_workers (int): Workers of the dataloader.
        rank (int): The process's rank (ranks share the torch seed, so it
            is mixed in to give each rank other augmentations).
    """
    entropy = [torch.initial_seed(), rank * num_workers + worker_id]
    seed = int(np.random.SeedSequence(entropy).generate_state(1)[0])
    seed_all(seed)
