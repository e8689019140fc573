"""RandomStateHook warns about persistent train workers only where their
random state matters: without per-sample seeds."""
from types import SimpleNamespace
from unittest import mock

import pytest
import torch
from mmengine.dataset import DefaultSampler

from ftplugin.datasets import SeededIndexSampler
from ftplugin.engine.hooks.random_state_hook import RandomStateHook


class Items(torch.utils.data.Dataset):

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return index


@pytest.mark.parametrize('seeded,persistent,warns', [
    (False, True, True), (True, True, False), (False, False, False)])
def test_warning_only_without_per_sample_seeds(seeded, persistent, warns):
    sampler = (SeededIndexSampler(Items(), dict(type='DefaultSampler'),
                                  seed=0) if seeded else
               DefaultSampler(Items(), seed=0))
    loader = torch.utils.data.DataLoader(
        Items(), sampler=sampler, num_workers=1,
        persistent_workers=persistent)
    runner = SimpleNamespace(train_dataloader=loader, logger=mock.Mock())
    RandomStateHook().before_train(runner)
    assert runner.logger.warning.called is warns
