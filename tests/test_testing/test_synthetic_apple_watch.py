"""The apple_watch generator (tools/data/apple_watch/): format, splits,
physiology."""
import json

import numpy as np
import pytest
import torch


def load(root, name, split):
    return torch.load(root / name / f'{split}.pt')


def valid_mask(data):
    n = data['original_lengths'][:, 0]
    t = data['speed'].shape[1]
    return (torch.arange(t)[None] < n[:, None]).numpy()


def test_sizes_and_format(aw_data):
    for name, total in (('endomondo', 24), ('apple_watch', 20)):
        meta = json.loads((aw_data / name / 'metadata.json').read_text())
        counts = {s: len(load(aw_data, name, s)['speed'])
                  for s in ('train', 'val', 'test')}
        assert sum(counts.values()) == total
        assert counts == meta['sizes']
        data = load(aw_data, name, 'train')
        assert data['speed'].shape[1:] == (500, 1)
        assert data['original_lengths'].dtype == torch.int64
        mask = valid_mask(data)
        hr = data['heart_rate'][..., 0].numpy()[mask]
        assert 35 <= hr.min() and hr.max() <= 230
        # heart rate in whole BPM, as devices report it
        np.testing.assert_array_equal(hr, np.round(hr))


def test_splits(aw_data):
    # Endomondo-like: by user, so no user is in two splits
    users = {s: set(load(aw_data, 'endomondo', s)['userId'][:, 0].tolist())
             for s in ('train', 'val', 'test')}
    assert not (users['train'] & users['val'])
    assert not (users['train'] & users['test'])
    assert not (users['val'] & users['test'])
    # Apple-Watch-like: by date, 70/15/15 of the same few people
    counts = [len(load(aw_data, 'apple_watch', s)['speed'])
              for s in ('train', 'val', 'test')]
    assert counts == [14, 3, 3]
    meta = json.loads((aw_data / 'apple_watch' / 'metadata.json')
                      .read_text())
    assert meta['split_by'] == 'date'


def test_scaler_fitted_on_training_valid_steps(aw_data):
    for name in ('endomondo', 'apple_watch'):
        data = load(aw_data, name, 'train')
        mask = valid_mask(data)
        for key in ('speed', 'altitude'):
            z = data[key][..., 0].double().numpy()[mask]
            assert z.mean() == pytest.approx(0.0, abs=1e-4)
            assert z.std() == pytest.approx(1.0, rel=1e-3)


def test_a_fixed_step_grid_is_recorded_in_the_scaler(aw_data):
    """Apple-Watch-like workouts are on a 10-s grid (as the workout
    converter writes it, inference checks --step-seconds against it);
    Endomondo-like ones have variable steps: no grid is recorded."""
    watch = json.loads((aw_data / 'apple_watch' / 'scaler_params.json')
                       .read_text())
    endo = json.loads((aw_data / 'endomondo' / 'scaler_params.json')
                      .read_text())
    assert watch['step_seconds'] == 10.0
    assert 'step_seconds' not in endo


def test_same_seed_same_data(tmp_path, aw_gen):
    for run in ('a', 'b'):
        aw_gen.generate_domain('apple_watch', str(tmp_path / run), 10, 2,
                               np.random.default_rng(5), verbose=False)
    a = load(tmp_path / 'a', 'apple_watch', 'train')
    b = load(tmp_path / 'b', 'apple_watch', 'train')
    for key in a:
        assert torch.equal(a[key], b[key]), key
    aw_gen.generate_domain('apple_watch', str(tmp_path / 'c'), 10, 2,
                           np.random.default_rng(6), verbose=False)
    c = load(tmp_path / 'c', 'apple_watch', 'train')
    assert not torch.equal(a['heart_rate'], c['heart_rate'])


def lagged_correlation(speed, hr, lag):
    """Pearson correlation of speed at t - lag with heart rate at t."""
    return np.corrcoef(speed[:len(speed) - lag], hr[lag:])[0, 1]


def test_heart_rate_follows_speed_with_a_lag(aw_gen):
    rng = np.random.default_rng(0)
    domain = aw_gen.DOMAINS['apple_watch']
    person = aw_gen.make_people(1, domain, rng)[0]
    lags = []
    for _ in range(8):
        w = aw_gen.simulate_workout(person, domain, 10.0, rng)
        corr = [lagged_correlation(w['speed'], w['heart_rate'], k)
                for k in range(12)]
        assert max(corr) > 0.3
        lags.append(int(np.argmax(corr)))
    # the heart lags behind the legs: best match later than the same step
    assert np.median(lags) >= 1


def test_uphill_costs_heart_rate(aw_gen):
    """Same planned pace; hills raise the heart rate while climbing."""
    rng = np.random.default_rng(1)
    domain = dict(aw_gen.DOMAINS['apple_watch'], hill_amp=(15.0, 15.0),
                  stops_per_hour=0.0, kinds=dict(easy=1.0))
    person = aw_gen.make_people(1, domain, rng)[0]
    climbing, descending = [], []
    for _ in range(6):
        w = aw_gen.simulate_workout(person, domain, 0.0, rng)
        grade = np.gradient(w['altitude'])
        hr = w['heart_rate']
        late = np.arange(len(hr)) > 60  # after the warm-up
        climbing.append(hr[late & (grade > 0.5)].mean())
        descending.append(hr[late & (grade < -0.5)].mean())
    assert np.mean(climbing) > np.mean(descending) + 2


def test_domain_shift(aw_data):
    endo = json.loads((aw_data / 'endomondo' / 'scaler_params.json')
                      .read_text())
    watch = json.loads((aw_data / 'apple_watch' / 'scaler_params.json')
                       .read_text())
    # the watch's runners are fitter: faster on average
    assert watch['speed_mean'] > endo['speed_mean']
