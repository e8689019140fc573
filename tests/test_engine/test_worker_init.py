"""Dataloader workers of FineTuneRunner: seeded from the main process's
random state each epoch, so epochs draw anew and a restored state (what
--resume does) draws the same again."""
import random

import numpy as np
import torch

from ftplugin.engine import FineTuneRunner


class Draws(torch.utils.data.Dataset):
    """Each sample: one draw of each generator a transform may use."""

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return (random.random(), float(np.random.rand()),
                float(torch.rand(1)))


def epoch(loader):
    return [sample for batch in loader for sample in batch]


def test_worker_draws_follow_the_main_random_state():
    loader = FineTuneRunner.build_dataloader(
        dict(dataset=Draws(), batch_size=2, num_workers=1,
             sampler=dict(type='DefaultSampler', shuffle=False)), seed=0)
    torch.manual_seed(0)
    first = epoch(loader)
    state = torch.get_rng_state()
    second = epoch(loader)
    # mmengine's default seeds every epoch's workers alike
    assert first != second
    torch.set_rng_state(state)
    assert epoch(loader) == second
    torch.manual_seed(0)
    assert epoch(loader) == first
