"""Realistic running workouts in the apple_watch family's format.

The command line is ``tools/data/apple_watch/generate_apple_watch_data.py``.
Writes two datasets, each ``{train,val,test}.pt`` + ``scaler_params.json`` +
``metadata.json`` (see ``AppleWatchDataset``):

- ``<out-dir>/endomondo``: a pretraining set like the original project's
  Endomondo data: many users of mixed fitness, chest-strap heart rate, GPS
  altitude, samples every 5-15 s (irregular), padded by repeating the last
  value or cut to 500 steps; split by user 70/15/15.
- ``<out-dir>/apple_watch``: a fine-tuning set like one's own watch: a few
  fit users, optical heart rate (noisier, correlated errors), barometric
  altitude, a 10 s grid (as ``converters/workouts.py`` writes), more
  interval and tempo runs, fitness improving over the year; split by date
  70/15/15.

Heart rate follows the metabolic cost of running (ACSM: speed and uphill
grade) relative to each person's VO2max, between their resting and maximal
heart rate, with first-order kinetics (rising and falling time constants of
tens of seconds), cardiac drift over the run, and sensor noise. Speed and
altitude are z-scored with statistics of the training split's valid steps;
heart rate stays in BPM.
"""
import json
import os.path as osp
from typing import Dict, List

import numpy as np
from mmengine.utils import ProgressBar

from ...datasets.formats.apple_watch_pt import (SEQ_LEN, SPLIT_RATIOS,
                                                fit_scaler,
                                                write_workout_splits)

# What differs between the two sources (the domain shift).
DOMAINS = {
    'endomondo': dict(
        step_s=(5.0, 15.0), step_jitter=0.2, minutes=(20, 110),
        vo2max=(34.0, 56.0), hr_rest=(50.0, 75.0), age=(18, 62),
        tau_up=(18.0, 40.0), tau_down=(28.0, 60.0),
        hr_noise=1.0, hr_noise_ar=0.5, speed_noise=0.5, alt_noise=2.5,
        base_alt=(0.0, 1500.0), hill_amp=(1.0, 35.0),
        stops_per_hour=2.0, kinds=dict(easy=0.5, tempo=0.2, intervals=0.1,
                                       long=0.2), days=1500,
        fitness_gain=0.0),
    'apple_watch': dict(
        step_s=(10.0, 10.0), step_jitter=0.0, minutes=(25, 80),
        vo2max=(56.0, 62.0), hr_rest=(42.0, 52.0), age=(28, 40),
        tau_up=(14.0, 24.0), tau_down=(22.0, 34.0),
        hr_noise=2.5, hr_noise_ar=0.85, speed_noise=0.25, alt_noise=0.4,
        base_alt=(20.0, 120.0), hill_amp=(0.5, 12.0),
        stops_per_hour=1.0, kinds=dict(easy=0.3, tempo=0.3, intervals=0.3,
                                       long=0.1), days=365,
        fitness_gain=3.0),
}
# fraction of VO2 reserve each kind of run aims at
INTENSITY = dict(easy=0.62, tempo=0.84, long=0.6)


def make_people(n: int, domain: dict, rng: np.random.Generator) -> List[dict]:
    """Per-person physiology, drawn from the domain's ranges."""
    people = []
    for uid in range(n):
        age = rng.uniform(*domain['age'])
        people.append(dict(
            user_id=uid,
            gender=float(rng.random() < 0.6),
            vo2max=rng.uniform(*domain['vo2max']),
            hr_rest=rng.uniform(*domain['hr_rest']),
            hr_max=208.0 - 0.7 * age + rng.normal(0, 5),
            tau_up=rng.uniform(*domain['tau_up']),
            tau_down=rng.uniform(*domain['tau_down']),
            drift=rng.uniform(0.03, 0.08),  # heart-rate gain per hour
            stride=rng.uniform(0.95, 1.05)))  # personal economy
    return people


def speed_for(intensity: float, vo2max: float) -> float:
    """Flat-ground speed (m/min) at a fraction of the VO2 reserve (ACSM)."""
    return intensity * (vo2max - 3.5) / 0.2


def intensity_plan(kind: str, n: int, t: np.ndarray,
                   rng: np.random.Generator) -> np.ndarray:
    """Target fraction of VO2 reserve per step for one kind of run."""
    if kind == 'intervals':
        work = rng.uniform(60, 300)
        rest = rng.uniform(60, 180)
        phase = np.mod(t - 600.0, work + rest)
        plan = np.where(phase < work, rng.uniform(0.9, 1.02),
                        rng.uniform(0.35, 0.5))
        plan[t < 600] = 0.6  # warm-up before the first repeat
    else:
        plan = np.full(n, INTENSITY.get(kind, 0.6) * rng.uniform(0.92, 1.06))
        if kind == 'tempo':
            plan[t < 480] = 0.6
        if kind == 'long':  # slowing down in the second half
            plan *= 1.0 - 0.08 * np.clip(t / t[-1] - 0.5, 0, None)
    # easing in over the first minutes, and small pace fluctuations
    plan *= np.clip(0.55 + 0.45 * t / rng.uniform(120, 360), None, 1.0)
    wobble = np.cumsum(rng.normal(0, 0.01, n))
    return np.clip(plan * (1.0 + wobble - wobble.mean()), 0.2, 1.1)


def simulate_workout(person: dict, domain: dict, days_in: float,
                     rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """One run: raw (un-padded) speed km/h, altitude m, heart rate BPM."""
    step = rng.uniform(*domain['step_s'])
    minutes = rng.uniform(*domain['minutes'])
    n = max(int(minutes * 60 / step), 12)
    dt = step * (1.0 + rng.uniform(-1, 1, n) * domain['step_jitter'])
    t = np.concatenate([[0.0], np.cumsum(dt[:-1])])
    # fitness improves over the recorded period (a date split sees it)
    vo2max = person['vo2max'] + domain['fitness_gain'] * days_in / 365.0
    kind = rng.choice(list(domain['kinds']),
                      p=list(domain['kinds'].values()))
    intensity = intensity_plan(kind, n, t, rng)
    v_plan = speed_for(intensity, vo2max) * person['stride']  # m/min
    # terrain: smooth hills along the distance
    dist = np.concatenate([[0.0], np.cumsum(v_plan[:-1] / 60.0 * dt[:-1])])
    alt = np.full(n, rng.uniform(*domain['base_alt']))
    slope = np.zeros(n)
    for _ in range(3):
        amp = rng.uniform(*domain['hill_amp'])
        wavelength = rng.uniform(300.0, 2500.0)
        phase = rng.uniform(0, 2 * np.pi)
        k = 2 * np.pi / wavelength
        alt += amp * np.sin(k * dist + phase)
        slope += amp * k * np.cos(k * dist + phase)
    grade = np.clip(slope, -0.15, 0.15)
    # runners slow down uphill and speed up downhill, a little
    v = v_plan * np.clip(1.0 - 1.2 * grade, 0.7, 1.15)
    # stops (traffic lights, shoelaces): standing still for a while
    for _ in range(rng.poisson(domain['stops_per_hour'] * minutes / 60)):
        start = rng.uniform(t[-1] * 0.1, t[-1])
        v[(t >= start) & (t < start + rng.uniform(10, 60))] = 0.0
    # ACSM running VO2 (ml/kg/min); downhill saves half as much as uphill
    vo2 = 3.5 + 0.2 * v + 0.9 * v * np.where(grade > 0, grade, 0.5 * grade)
    reserve = np.clip((vo2 - 3.5) / (vo2max - 3.5), 0.0, 1.1)
    hr_rest, hr_max = person['hr_rest'], person['hr_max']
    hr_ss = hr_rest + (hr_max - hr_rest) * reserve
    # standing after running does not bring heart rate back to rest
    hr_ss = np.maximum(hr_ss, hr_rest + 25.0)
    hr_ss *= 1.0 + person['drift'] * t / 3600.0  # cardiac drift
    hr_ss = np.minimum(hr_ss, hr_max)
    hr = np.empty(n)
    hr[0] = hr_rest + rng.uniform(15, 35)
    decay_up = np.exp(-dt / person['tau_up'])
    decay_down = np.exp(-dt / person['tau_down'])
    beat_noise = rng.normal(0, 0.6, n)
    for i in range(1, n):  # first-order kinetics: the physiological lag
        target = hr_ss[i - 1]
        decay = decay_up[i - 1] if target > hr[i - 1] else decay_down[i - 1]
        hr[i] = target + (hr[i - 1] - target) * decay + beat_noise[i]
    # sensor noise, correlated in time (optical sensors more so)
    ar = domain['hr_noise_ar']
    noise = rng.normal(0, domain['hr_noise'] * np.sqrt(1 - ar**2), n)
    for i in range(1, n):
        noise[i] += ar * noise[i - 1]
    hr_meas = np.clip(np.round(hr + noise), 35, 230)
    speed = np.clip(v * 0.06 + rng.normal(0, domain['speed_noise'], n), 0,
                    None)  # km/h, as the original data
    alt_meas = alt + rng.normal(0, domain['alt_noise'], n)
    return dict(speed=speed, altitude=alt_meas, heart_rate=hr_meas,
                timestamps=t)


def split_indices(workouts: List[dict], by: str,
                  rng: np.random.Generator) -> Dict[str, np.ndarray]:
    """70/15/15 split by user (shuffled) or by date (oldest first)."""
    if by == 'date':
        order = np.argsort([w['day'] for w in workouts], kind='stable')
        n = len(order)
        a = int(n * SPLIT_RATIOS[0])
        b = a + int(n * SPLIT_RATIOS[1])
        return dict(train=order[:a], val=order[a:b], test=order[b:])
    users = np.array(sorted({w['user_id'] for w in workouts}))
    users = users[rng.permutation(len(users))]
    a = max(int(round(len(users) * SPLIT_RATIOS[0])), 1)
    b = a + max(int(round(len(users) * SPLIT_RATIOS[1])), 1)
    groups = dict(train=users[:a], val=users[a:b], test=users[b:])
    uid = np.array([w['user_id'] for w in workouts])
    return {k: np.flatnonzero(np.isin(uid, g)) for k, g in groups.items()}


def generate_domain(name: str, out_dir: str, num_workouts: int,
                    num_users: int, rng: np.random.Generator,
                    verbose: bool = True) -> Dict[str, int]:
    """Simulate, split, scale and save one dataset; return split sizes."""
    domain = DOMAINS[name]
    if num_workouts < 7:
        raise ValueError(f'{name}: need at least 7 workouts for a 70/15/15 '
                         f'split, got {num_workouts}')
    people = make_people(num_users, domain, rng)
    workouts = []
    bar = ProgressBar(num_workouts) if verbose else None
    for i in range(num_workouts):
        # every user gets workouts; the rest are spread at random
        person = people[i] if i < num_users else people[rng.integers(
            num_users)]
        day = float(rng.uniform(0, domain['days']))
        w = simulate_workout(person, domain, day, rng)
        w.update(user_id=person['user_id'], gender=person['gender'], day=day)
        workouts.append(w)
        if bar:
            bar.update()
    by = 'date' if name == 'apple_watch' else 'user'
    splits = split_indices(workouts, by, rng)
    empty = [k for k, v in splits.items() if len(v) == 0]
    if empty:
        raise ValueError(f'{name}: split(s) {empty} got no workout; use more '
                         f'workouts or users')
    scaler = fit_scaler([workouts[i] for i in splits['train']])
    low, high = domain['step_s']
    if low == high and not domain['step_jitter']:
        # a fixed grid, recorded as the workout converter does, so that
        # inference refuses workouts resampled to another step
        scaler['step_seconds'] = low
    target = osp.join(out_dir, name)
    sizes = write_workout_splits(
        target, {split: [workouts[i] for i in idx]
                 for split, idx in splits.items()}, scaler)
    with open(osp.join(target, 'metadata.json'), 'w') as f:
        json.dump(dict(source=f'generated ({name}-like)', split_by=by,
                       users=num_users, sizes=sizes,
                       sequence_length=SEQ_LEN, domain=domain), f, indent=2)
    if verbose:
        print(f'\n  {name}: {sizes} workouts -> {target}', flush=True)
    return sizes
