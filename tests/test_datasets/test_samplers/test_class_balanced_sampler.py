"""ClassBalancedSampler: balance, seeding per epoch and rank, on datasets."""
from collections import Counter
from unittest import mock

import numpy as np
from mmaction.registry import DATA_SAMPLERS

from data_fixtures.thermal import real_label_counts


class LabelsOnly:
    """The part of a dataset a class-aware sampler uses."""

    def __init__(self, labels):
        self.labels = list(labels)

    def __len__(self):
        return len(self.labels)

    def get_cat_ids(self, idx):
        return [self.labels[idx]]


def test_sampler_balances_classes():
    labels = [0] * 500 + [1] * 100 + [2] * 20 + [3] * 5
    ds = LabelsOnly(labels)
    sampler = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=ds, seed=0,
             num_samples=8000))
    drawn = Counter(labels[i] for i in sampler)
    assert len(sampler) == 8000 == sum(drawn.values())
    for c in range(4):  # each class about a quarter (binomial sd ~ 0.005)
        assert abs(drawn[c] / 8000 - 0.25) < 0.03
    # power 0: plain frequencies
    plain = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=ds, seed=0, power=0.0,
             num_samples=8000))
    freq = Counter(labels[i] for i in plain)
    assert abs(freq[0] / 8000 - 500 / 625) < 0.03
    # square root: shares proportional to sqrt(n_c)
    root = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=ds, seed=0, power=0.5,
             num_samples=8000))
    share = Counter(labels[i] for i in root)
    expected = np.sqrt([500, 100, 20, 5]) / np.sqrt([500, 100, 20, 5]).sum()
    for c in range(4):
        assert abs(share[c] / 8000 - expected[c]) < 0.03


def test_sampler_is_seeded_per_epoch_and_splits_ranks():
    ds = LabelsOnly([0] * 50 + [1] * 10)
    a = DATA_SAMPLERS.build(dict(type='ClassBalancedSampler', dataset=ds,
                                 seed=3))
    b = DATA_SAMPLERS.build(dict(type='ClassBalancedSampler', dataset=ds,
                                 seed=3))
    assert list(a) == list(b) and len(a) == 60
    first = list(a)
    a.set_epoch(1)
    assert list(a) != first
    b.set_epoch(1)
    assert list(a) == list(b)
    module = 'ftplugin.datasets.samplers.class_balanced_sampler.get_dist_info'
    ranks = []
    for rank in (0, 1):
        with mock.patch(module, return_value=(rank, 2)):
            ranks.append(list(DATA_SAMPLERS.build(
                dict(type='ClassBalancedSampler', dataset=ds, seed=3,
                     num_samples=61))))
    assert len(ranks[0]) == len(ranks[1]) == 31
    single = list(DATA_SAMPLERS.build(dict(
        type='ClassBalancedSampler', dataset=ds, seed=3, num_samples=62)))
    assert single[0::2] == ranks[0] and single[1::2] == ranks[1]


def test_sampler_on_the_real_dataset(thermal_real, build_thermal):
    ds = build_thermal(thermal_real, skip_missing=True)
    counts = real_label_counts(thermal_real)
    sampler = DATA_SAMPLERS.build(dict(type='ClassBalancedSampler',
                                       dataset=ds, seed=0))
    assert sampler.class_counts == {c: int(n) for c, n in enumerate(counts)
                                    if n}
    drawn = Counter()
    for epoch in range(6):
        sampler.set_epoch(epoch)
        drawn.update(ds.get_cat_ids(i)[0] for i in sampler)
    present = int((counts > 0).sum())
    share = np.array([drawn[c] for c in range(14) if counts[c]]) / sum(
        drawn.values())
    # 12 classes drawn ~equally although one class holds 47 % of samples
    assert np.abs(share - 1 / present).max() < 0.03
    assert counts.max() / counts.sum() > 0.4


def test_sampler_in_a_dataloader(thermal_gen, build_thermal):
    from mmengine.runner import Runner
    ds = build_thermal(thermal_gen)
    loader = Runner.build_dataloader(dict(
        batch_size=4, num_workers=0,
        sampler=dict(type='ClassBalancedSampler', seed=0),
        collate_fn=dict(type='pseudo_collate'), dataset=ds))
    batch = next(iter(loader))
    assert len(batch['imgs']) == 4
    assert len(loader) == int(np.ceil(len(ds) / 4))
