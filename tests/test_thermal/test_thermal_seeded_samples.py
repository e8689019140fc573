"""Per-sample seeds (SeededIndexSampler + SeededSampleMixin) on the thermal
CPU config's training loader: a sample's augmented tensor is a function of
the run's seed, the epoch and its position, whatever the number of
dataloader workers; plain int indices still work."""
import random

import numpy as np
import pytest
import torch
from mmengine.config import Config

from ftplugin.engine import FineTuneRunner

CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'


@pytest.fixture(scope='module')
def train_loader_cfg(repo_root, thermal_gen):
    cfg = Config.fromfile(str(repo_root / CFG)).train_dataloader.to_dict()
    cfg['dataset'].update(data_root=str(thermal_gen), indices=12)
    return cfg


def build_loader(loader_cfg, num_workers, seed=0):
    return FineTuneRunner.build_dataloader(
        dict(loader_cfg, batch_size=4, num_workers=num_workers,
             persistent_workers=num_workers > 0), seed=seed)


def epoch_inputs(loader_cfg, num_workers, epoch, seed=0, loader=None):
    """The augmented input tensors of one epoch, in sampler order."""
    loader = loader or build_loader(loader_cfg, num_workers, seed)
    loader.sampler.set_epoch(epoch)
    return [x for batch in loader for x in batch['inputs']]


def test_same_epoch_same_tensors_with_0_and_2_workers(train_loader_cfg):
    serial = epoch_inputs(train_loader_cfg, 0, epoch=3)
    parallel = epoch_inputs(train_loader_cfg, 2, epoch=3)
    assert len(serial) == len(parallel) == 12
    for a, b in zip(serial, parallel):
        assert torch.equal(a, b)


def test_other_epoch_or_seed_other_augmentations(train_loader_cfg):
    epoch1 = epoch_inputs(train_loader_cfg, 0, epoch=1)
    epoch2 = epoch_inputs(train_loader_cfg, 0, epoch=2)
    other_seed = epoch_inputs(train_loader_cfg, 0, epoch=1, seed=1)
    # the sampler shuffles by epoch and seed too: compare as sets
    as_set = {x.numpy().tobytes() for x in epoch1}
    assert not as_set & {x.numpy().tobytes() for x in epoch2}
    assert not as_set & {x.numpy().tobytes() for x in other_seed}
    assert epoch_inputs(train_loader_cfg, 0, epoch=1)[0].equal(epoch1[0])


def test_serial_loader_leaves_the_main_random_state_alone(train_loader_cfg):
    # with num_workers=0 the samples are prepared in the main process, whose
    # streams also drive dropout: neither the samples nor the iterator's
    # base seed may move them
    loader = build_loader(train_loader_cfg, 0)
    random.seed(5), np.random.seed(5), torch.manual_seed(5)
    states = (random.getstate(), np.random.get_state()[1].copy(),
              torch.get_rng_state())
    epoch_inputs(train_loader_cfg, 0, epoch=0, loader=loader)
    assert random.getstate() == states[0]
    assert np.array_equal(np.random.get_state()[1], states[1])
    assert torch.equal(torch.get_rng_state(), states[2])


def test_plain_and_seeded_indices(train_loader_cfg):
    from mmaction.registry import DATASETS
    dataset = DATASETS.build(train_loader_cfg['dataset'])
    plain = dataset[0]['inputs']  # tools and mmaction2 users index by int
    assert plain.shape == dataset[(0, 7)]['inputs'].shape
    assert torch.equal(dataset[(0, 7)]['inputs'], dataset[(0, 7)]['inputs'])
    assert not torch.equal(dataset[(0, 7)]['inputs'],
                           dataset[(0, 8)]['inputs'])
    with pytest.raises(ValueError, match='2\\*\\*32'):
        dataset[(0, -1)]
