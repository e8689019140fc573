"""FitNormalizationHook: statistics of the training split into the model,
a validation split on another scale refused at training start, a constant
channel named with its file."""
import logging
from types import SimpleNamespace

import numpy as np
import pytest

from ftplugin.datasets import BUTPPGDataset
from ftplugin.engine.hooks.fit_normalization_hook import FitNormalizationHook
from ftplugin.models.data_preprocessors.signal_data_preprocessor import \
    SignalDataPreprocessor


def write(root, split, signals):
    np.savez(root / f'{split}.npz', signals=signals.astype(np.float32),
             labels=np.arange(len(signals)) % 2)


def windows(n, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 5, 1250)) * 50 + 200


def runner_for(root, **dataset):
    """A runner as the hook sees it before training: the model, the
    training dataloader and the (built) validation loop."""
    def build(split):
        return BUTPPGDataset(data_root=str(root), split=split, **dataset)
    return SimpleNamespace(
        model=SimpleNamespace(data_preprocessor=SignalDataPreprocessor(5)),
        iter=0, logger=logging.getLogger('test'),
        train_dataloader=SimpleNamespace(dataset=build('train')),
        _val_loop=SimpleNamespace(dataloader=SimpleNamespace(
            dataset=build('val'))))


def test_statistics_of_the_training_split(tmp_path):
    write(tmp_path, 'train', windows(6))
    write(tmp_path, 'val', windows(4, seed=1))
    runner = runner_for(tmp_path)
    FitNormalizationHook().before_train(runner)
    preprocessor = runner.model.data_preprocessor
    np.testing.assert_allclose(preprocessor.mean.numpy(),
                               windows(6).mean(axis=(0, 2)), rtol=1e-5)
    assert bool(preprocessor.fitted)


def test_a_validation_split_on_another_scale_stops_training(tmp_path):
    write(tmp_path, 'train', windows(6))
    val = windows(4, seed=1)
    mean = val.mean(axis=(0, 2), keepdims=True)
    write(tmp_path, 'val', (val - mean) / val.std(axis=(0, 2), keepdims=True))
    with pytest.raises(ValueError) as err:
        FitNormalizationHook().before_train(runner_for(tmp_path))
    message = str(err.value)
    assert 'val.npz' in message and 'train.npz' in message
    assert 'looks z-scored per channel' in message
    # accepted on purpose: training goes on
    FitNormalizationHook().before_train(
        runner_for(tmp_path, on_implausible='warn'))


def test_a_constant_training_channel_names_the_file(tmp_path):
    train = windows(6)
    train[:, 4] = 1.0
    write(tmp_path, 'train', train)
    write(tmp_path, 'val', windows(4, seed=1))
    # accepted by the dataset, but nothing can normalise it
    runner = runner_for(tmp_path, on_implausible='warn')
    with pytest.raises(ValueError) as err:
        FitNormalizationHook().before_train(runner)
    assert 'train.npz' in str(err.value) and 'ECG' in str(err.value)
