"""SeededIndexSampler: the wrapped sampler's indices with a seed for each,
set by the seed, the epoch and the position; FineTuneRunner wraps only the
samplers of datasets that take seeded indices."""
import pytest
import torch
from mmengine.dataset import DefaultSampler

from ftplugin.datasets import SeededIndexSampler
from ftplugin.engine import FineTuneRunner


class Items(torch.utils.data.Dataset):

    def __len__(self):
        return 6

    def __getitem__(self, index):
        return index


class SeededItems(Items):
    accepts_seeded_index = True

    def __getitem__(self, index):
        assert isinstance(index, tuple), index  # (index, seed)
        return index[0]


def test_indices_of_the_wrapped_sampler_with_seeds():
    inner = DefaultSampler(Items(), shuffle=True, seed=3)
    sampler = SeededIndexSampler(Items(), dict(type='DefaultSampler'),
                                 seed=3)
    sampler.set_epoch(2)
    inner.set_epoch(2)
    drawn = list(sampler)
    assert [i for i, _ in drawn] == list(inner)
    assert len(sampler) == 6
    seeds = [s for _, s in drawn]
    assert len(set(seeds)) == 6 and all(0 <= s < 2**32 for s in seeds)
    assert list(sampler) == drawn  # same epoch: same draws
    sampler.set_epoch(3)
    assert not {s for _, s in sampler} & set(seeds)


def test_seed_is_the_wrapped_samplers():
    sampler = SeededIndexSampler(Items(), dict(type='DefaultSampler'),
                                 seed=3)
    assert sampler.seed == sampler.sampler.seed == 3
    before = list(sampler)
    sampler.seed = 4  # what RandomStateHook restores
    assert sampler.sampler.seed == 4
    assert list(sampler) != before
    sampler.seed = 3
    assert list(sampler) == before
    assert sampler.shuffle is True  # other attributes: the wrapped one's


def test_repeated_index_gets_other_seeds():
    # a sampler drawing with replacement: one index, several positions
    sampler = SeededIndexSampler(Items(), [1, 1, 1], seed=0)
    assert len({s for _, s in sampler}) == 3


@pytest.mark.parametrize('dataset,wrapped', [(Items(), False),
                                             (SeededItems(), True)])
def test_runner_wraps_only_seeded_datasets(dataset, wrapped):
    loader = FineTuneRunner.build_dataloader(
        dict(dataset=dataset, batch_size=2, num_workers=0,
             sampler=dict(type='DefaultSampler', shuffle=False)), seed=0)
    assert isinstance(loader.sampler, SeededIndexSampler) is wrapped
    assert next(iter(loader)) == [0, 1]
    # a seeded loader's workers draw their seed from its own generator
    state = torch.get_rng_state()
    iter(loader)
    assert torch.equal(torch.get_rng_state(), state) is wrapped


def test_runner_gives_no_seeds_to_a_test_mode_dataset():
    # validation and test pipelines draw nothing: no per-sample seeds
    dataset = SeededItems()
    dataset.test_mode = True
    loader = FineTuneRunner.build_dataloader(
        dict(dataset=dataset, batch_size=2, num_workers=0,
             sampler=dict(type='DefaultSampler', shuffle=False)), seed=0)
    assert not isinstance(loader.sampler, SeededIndexSampler)


def test_wraps_the_class_balanced_sampler():
    class Labelled(Items):

        def get_cat_ids(self, index):
            return [index % 2]

    sampler = SeededIndexSampler(
        Labelled(), dict(type='ClassBalancedSampler', num_samples=12),
        seed=5)
    sampler.set_epoch(1)
    assert sampler.sampler.seed == 5 and sampler.sampler.epoch == 1
    drawn = list(sampler)
    assert [i for i, _ in drawn] == list(sampler.sampler)
    # drawn with replacement: every draw has its own seed all the same
    assert len(drawn) == 12 and len({s for _, s in drawn}) == 12
