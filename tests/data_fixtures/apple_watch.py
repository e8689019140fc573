"""Fixtures of the apple_watch family's tests (registered in
tests/conftest.py).

* ``aw_gen`` / ``aw_convert``: the generator and the workout converter
  behind ``tools/data/apple_watch/``.
* ``aw_data``: small Endomondo-like and Apple-Watch-like datasets written
  once per session by the generator.
* ``write_split``: writes a ``.pt`` split (+ scaler_params.json) from numpy
  arrays, for hand-made good and bad files.
"""
import json
from pathlib import Path

import numpy as np
import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZES = dict(endomondo_workouts=24, endomondo_users=8, apple_watch_workouts=20,
             apple_watch_users=2)


@pytest.fixture(scope='session')
def aw_gen():
    from ftplugin.testing.synthetic import apple_watch
    return apple_watch


@pytest.fixture(scope='session')
def aw_convert():
    from ftplugin.datasets.converters import workouts
    return workouts


@pytest.fixture(scope='session')
def aw_data(tmp_path_factory, aw_gen) -> Path:
    """``<root>/endomondo`` and ``<root>/apple_watch``, generated once."""
    root = tmp_path_factory.mktemp('aw_data')
    rng = np.random.default_rng(0)
    aw_gen.generate_domain('endomondo', str(root),
                           SIZES['endomondo_workouts'],
                           SIZES['endomondo_users'], rng, verbose=False)
    aw_gen.generate_domain('apple_watch', str(root),
                           SIZES['apple_watch_workouts'],
                           SIZES['apple_watch_users'], rng, verbose=False)
    return root


SCALER = dict(speed_mean=10.0, speed_std=2.0, altitude_mean=100.0,
              altitude_std=20.0)


@pytest.fixture
def write_split(tmp_path):
    """``write_split(split='train', **fields)``: a .pt file whose fields
    default to 3 valid workouts of 8 steps; pass ``field=None`` to drop
    one, or ``scaler=None`` to write no scaler_params.json."""

    def write(split: str = 'train', scaler: dict = SCALER, **fields):
        rng = np.random.default_rng(0)
        n, t = 3, 8
        data = dict(
            speed=torch.from_numpy(rng.normal(0, 1, (n, t, 1))).float(),
            altitude=torch.from_numpy(rng.normal(0, 1, (n, t, 1))).float(),
            heart_rate=torch.from_numpy(
                rng.uniform(100, 170, (n, t, 1)).round()).float(),
            timestamps=torch.arange(t, dtype=torch.float32).repeat(
                n, 1)[..., None] * 10,
            original_lengths=torch.tensor([[8], [5], [12]]),
            userId=torch.tensor([[0], [0], [1]]),
            gender=torch.tensor([[1.0], [1.0], [0.0]]))
        for key, value in fields.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        torch.save(data, tmp_path / f'{split}.pt')
        if scaler is not None:
            (tmp_path / 'scaler_params.json').write_text(json.dumps(scaler))
        return tmp_path, data

    return write
