"""The process's random generators (python, numpy's global one, torch's CPU
one): seeding them together, and their states as plain data."""
import random
from typing import Tuple

import numpy as np
import torch


def seed_all(seed: int) -> None:
    """Seed python's ``random``, numpy's global generator and torch's CPU
    generator (not the CUDA ones: transforms and workers draw on the CPU)
    with ``seed``, in ``[0, 2**32)`` (numpy's global generator takes no
    more)."""
    if not 0 <= seed < 2**32:
        raise ValueError(f'a sample seed must be in [0, 2**32), got {seed}')
    random.seed(seed)
    np.random.seed(seed)
    torch.default_generator.manual_seed(seed)


def get_generator_states() -> Tuple[tuple, tuple, torch.Tensor]:
    """The states of the generators :func:`seed_all` seeds."""
    return random.getstate(), np.random.get_state(), torch.get_rng_state()


def set_generator_states(states: Tuple[tuple, tuple, torch.Tensor]) -> None:
    """Restore what :func:`get_generator_states` returned."""
    random.setstate(states[0])
    np.random.set_state(states[1])
    torch.set_rng_state(states[2])
