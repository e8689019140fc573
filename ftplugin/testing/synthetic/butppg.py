"""BUT-PPG-style and VitalDB-style signal windows (neurokit2).

The command line is ``tools/data/butppg/generate_butppg_data.py``.

``butppg`` writes ``{train,val,test}.npz`` in the original project's
format: ``signals`` float32 [N, 5, 1250] (ACC_X, ACC_Y, ACC_Z, PPG, ECG;
10 s at 125 Hz) and ``labels`` int64 [N] (0 = poor quality, 1 = good).
``vitaldb`` writes ``{train,val}_windows.npz`` with ``data`` float32
[N, 2, 1250] (PPG, ECG), unlabelled, for self-supervised pretraining.

PPG and ECG come from neurokit2's simulators (``ppg_simulate``,
``ecg_simulate``) at heart rates of 50-110 bpm, one simulated recording per
subject cut into 10 s windows; every split has its own subjects.

What makes a window poor is its PPG: an artefact whose power, relative to
the pulse, lies above a threshold -- motion artefacts that follow the
accelerometer, bursts, baseline wander, broadband noise over a weak pulse
(low perfusion), or clipping. Good windows carry the same kinds of
artefacts, weaker. The task therefore needs the signal itself:

- motion shows in the ACC channels of good and poor windows alike (same
  probability, same amplitudes); in a poor window with a motion artefact,
  the artefact in the PPG is the filtered projection of that ACC motion;
- every channel of every window is rescaled by a random gain (and the PPG
  shifted by a random offset) after the artefacts are added, so neither
  the variance nor the level of any channel tells the classes apart.

``tests/test_datasets/test_synthetic_butppg.py`` checks both claims.
"""
import os
import os.path as osp
import warnings
from typing import Dict, Iterator, Tuple

import numpy as np
from mmengine.utils import ProgressBar
from scipy.signal import butter, sosfiltfilt

from ...datasets.butppg_dataset import BUTPPG_CHANNELS

FS = 125
WINDOW = 10 * FS
VITALDB_CHANNELS = ('PPG', 'ECG')
ARTEFACTS = ('motion', 'burst', 'wander', 'noise', 'clipping')
# artefact-to-pulse power (dB) of good and of poor windows; the gap between
# them is what a model has to resolve
GOOD_DB = (-30.0, -9.0)
POOR_DB = (-3.0, 9.0)


def _bandpass(x: np.ndarray, low: float, high: float) -> np.ndarray:
    sos = butter(2, [low, high], btype='band', fs=FS, output='sos')
    return sosfiltfilt(sos, x, axis=-1)


def _unit(x: np.ndarray) -> np.ndarray:
    """Zero mean, unit RMS (a flat input stays flat)."""
    x = x - x.mean()
    rms = np.sqrt(np.mean(x**2))
    return x / rms if rms > 1e-12 else x


def _envelope(rng: np.random.Generator, min_share: float = 0.4
              ) -> np.ndarray:
    """1 over a random stretch of the window, with 0.5 s ramps."""
    length = int(rng.uniform(min_share, 1.0) * WINDOW)
    start = int(rng.integers(0, WINDOW - length + 1))
    env = np.zeros(WINDOW)
    env[start:start + length] = 1.0
    ramp = min(FS // 2, length // 2)
    if ramp > 0:
        edge = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        env[start:start + ramp] *= edge
        env[start + length - ramp:start + length] *= edge[::-1]
    return env


def simulate_recording(rng: np.random.Generator, seconds: int,
                       ecg_method: str) -> Tuple[np.ndarray, np.ndarray]:
    """One subject: clean PPG and ECG of ``seconds`` at one heart rate."""
    import neurokit2 as nk
    heart_rate = float(rng.uniform(50, 110))
    # neurokit2 ends a recording flat after its last beat: simulate more
    # than needed and keep the start
    n, seconds = seconds * FS, seconds + 5
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ppg = nk.ppg_simulate(
            duration=seconds, sampling_rate=FS, heart_rate=heart_rate,
            frequency_modulation=float(rng.uniform(0.05, 0.3)),
            ibi_randomness=float(rng.uniform(0.02, 0.15)), drift=0,
            motion_amplitude=0, powerline_amplitude=0, burst_number=0,
            random_state=int(rng.integers(2**31)))
        ecg = nk.ecg_simulate(
            duration=seconds, sampling_rate=FS, heart_rate=heart_rate,
            heart_rate_std=float(rng.uniform(0.5, 3)), noise=0,
            method=ecg_method, random_state=int(rng.integers(2**31)))
    return np.asarray(ppg, float)[:n], np.asarray(ecg, float)[:n]


def motion(rng: np.random.Generator) -> np.ndarray:
    """(3, T) accelerometer motion in g: walking steps or arm gestures."""
    if rng.random() < 0.5:  # walking: step frequency and harmonics
        f = rng.uniform(1.4, 2.2) * (1 + 0.02 * np.cumsum(
            rng.normal(size=WINDOW)) / np.sqrt(WINDOW))
        phase = 2 * np.pi * np.cumsum(f) / FS
        base = sum(rng.uniform(0.2, 1) / k * np.sin(k * phase + rng.uniform(
            0, 2 * np.pi)) for k in (1, 2, 3))
        direction = rng.normal(size=3)
        acc = np.outer(direction / np.linalg.norm(direction), base)
        acc += 0.3 * _bandpass(rng.normal(size=(3, WINDOW)), 0.5, 5)
    else:  # gestures: smooth random movements
        acc = _bandpass(rng.normal(size=(3, WINDOW)), 0.3, 3.0)
        acc = rng.normal(size=(3, 3)) @ acc
    acc = acc / np.sqrt(np.mean(acc**2)) * np.exp(
        rng.uniform(np.log(0.05), np.log(0.5)))
    return acc * _envelope(rng)


def artefact(kind: str, rng: np.random.Generator,
             acc_motion: np.ndarray) -> np.ndarray:
    """A unit-power (over the window) additive PPG artefact."""
    if kind == 'motion':
        # what the sensor sees of the movement: a projection of the ACC
        # motion, band-limited, slightly delayed
        weights = rng.normal(size=3)
        lag = int(rng.integers(0, FS // 10))
        x = np.roll(weights @ acc_motion, lag)
        return _unit(_bandpass(x, 0.2, 8.0))
    if kind == 'burst':
        x = np.zeros(WINDOW)
        for _ in range(int(rng.integers(1, 5))):
            width = int(rng.uniform(0.1, 0.8) * FS)
            start = int(rng.integers(0, WINDOW - width))
            t = np.arange(width) / FS
            shape = np.hanning(width) * (
                np.sin(2 * np.pi * rng.uniform(2, 15) * t) if rng.random()
                < 0.5 else np.sign(rng.normal()))
            x[start:start + width] += rng.uniform(0.5, 1.5) * shape
        return _unit(x)
    if kind == 'wander':
        t = np.arange(WINDOW) / FS
        x = sum(rng.uniform(0.3, 1) * np.sin(
            2 * np.pi * rng.uniform(0.05, 0.5) * t + rng.uniform(0, 6.3))
                for _ in range(3)) + rng.normal() * t / t[-1]
        return _unit(x * _envelope(rng, 0.6))
    if kind == 'noise':  # low perfusion: the pulse drowns in sensor noise
        return _unit(_bandpass(rng.normal(size=WINDOW), 0.5, 12.0))
    raise ValueError(kind)


def clip(x: np.ndarray, share: float, rng: np.random.Generator
         ) -> np.ndarray:
    """Saturate ``share`` of the samples at the top, bottom or both."""
    if share <= 0:
        return x
    side = rng.choice(['top', 'bottom', 'both'])
    if side == 'both':
        lo, hi = np.quantile(x, [share / 2, 1 - share / 2])
    elif side == 'top':
        lo, hi = -np.inf, np.quantile(x, 1 - share)
    else:
        lo, hi = np.quantile(x, share), np.inf
    return np.clip(x, lo, hi)


def make_ppg(pulse: np.ndarray, good: bool, rng: np.random.Generator,
             acc_motion: np.ndarray, moving: bool) -> Tuple[np.ndarray, str]:
    """A PPG window of the given quality; returns it and the artefacts."""
    kinds = [k for k in ARTEFACTS[:4] if moving or k != 'motion']
    x = _unit(pulse)
    names = []
    if good:
        if rng.random() < 0.7:
            kind = str(rng.choice(kinds))
            x = x + 10**(rng.uniform(*GOOD_DB) / 20) * artefact(
                kind, rng, acc_motion)
            names.append(kind)
        if rng.random() < 0.2:
            x = clip(x, rng.uniform(0, 0.02), rng)
    else:
        # a poor window's main artefact; motion when there is motion,
        # mostly, as in wrist recordings
        if moving and rng.random() < 0.7:
            main = 'motion'
        else:
            main = str(rng.choice(kinds + ['clipping']))
        extra = [str(rng.choice(kinds))] if rng.random() < 0.3 else []
        for kind in [main] + extra:
            names.append(kind)
            if kind == 'clipping':
                x = clip(x, rng.uniform(0.25, 0.6), rng)
            else:
                level = POOR_DB if kind == main else GOOD_DB
                x = x + 10**(rng.uniform(*level) / 20) * artefact(
                    kind, rng, acc_motion)
    x = x + 10**(rng.uniform(-35, -25) / 20) * rng.normal(size=WINDOW)
    return x, '+'.join(names) or 'clean'


def make_ecg(beats: np.ndarray, rng: np.random.Generator,
             acc_motion: np.ndarray, moving: bool) -> np.ndarray:
    """An ECG window with quality-independent noise and wander."""
    x = _unit(beats)
    x = x + 10**(rng.uniform(-30, -18) / 20) * artefact('wander', rng,
                                                         acc_motion)
    x = x + 10**(rng.uniform(-32, -22) / 20) * rng.normal(size=WINDOW)
    if moving:  # electrode motion, the same in good and poor windows
        x = x + 10**(rng.uniform(-22, -12) / 20) * artefact(
            'motion', rng, acc_motion)
    return x


def _gain(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def generate_windows(num: int, channels: Tuple[str, ...], good_share: float,
                     rng: np.random.Generator, ecg_method: str = 'ecgsyn',
                     windows_per_subject: int = 6, verbose: bool = True,
                     label: str = '') -> Dict[str, np.ndarray]:
    """``num`` windows with the given channels and their labels/artefacts.

    Good and poor windows are shuffled; ``good_share`` of them are good.
    """
    goods = np.zeros(num, bool)
    goods[:int(round(good_share * num))] = True
    rng.shuffle(goods)
    out = np.zeros((num, len(channels), WINDOW), np.float32)
    kinds = []
    ppg = ecg = None
    if verbose:
        print(f'{label}{num} windows', flush=True)
    bar = ProgressBar(num) if verbose else None
    for i in range(num):
        k = i % windows_per_subject
        if k == 0:
            ppg, ecg = simulate_recording(rng, WINDOW // FS *
                                          windows_per_subject, ecg_method)
            gravity = rng.normal(size=3)
            gravity /= np.linalg.norm(gravity)
        segment = slice(k * WINDOW, (k + 1) * WINDOW)
        # motion is independent of the label: it shows in good windows too
        moving = rng.random() < 0.5
        acc_motion = motion(rng) if moving else np.zeros((3, WINDOW))
        signal, kind = make_ppg(ppg[segment], bool(goods[i]), rng,
                                acc_motion, moving)
        values = {
            # unit power again, then a random gain: the PPG's variance
            # says nothing about the quality
            'PPG': _unit(signal) * _gain(rng, 0.3, 3.0) + rng.normal(0, 2.0),
            'ECG': make_ecg(ecg[segment], rng, acc_motion, moving) *
            _gain(rng, 0.5, 2.0),
        }
        tilt = gravity + 0.05 * rng.normal(size=3)
        acc = (tilt / np.linalg.norm(tilt))[:, None] + acc_motion + \
            0.01 * rng.normal(size=(3, WINDOW))
        acc *= _gain(rng, 0.8, 1.25)  # sensor sensitivity
        values.update(ACC_X=acc[0], ACC_Y=acc[1], ACC_Z=acc[2])
        out[i] = np.stack([values[c] for c in channels])
        kinds.append(kind)
        if bar:
            bar.update()
    return dict(signals=out, labels=goods.astype(np.int64),
                artefacts=np.array(kinds))


def _split_streams(
        out_dir: str, sizes: Dict[str, int], seed: int,
        offset: int) -> Iterator[Tuple[str, int, np.random.Generator]]:
    """``(split, num, rng)`` of each split of ``sizes`` with windows.

    One random stream per split, ``[seed, offset + position]``: every split
    has its own subjects, reproducible by seed (``offset`` keeps the VitalDB
    streams apart from the BUT-PPG ones).

    Args:
        out_dir (str): Created if missing.
        sizes (dict): Windows per split; splits with none are skipped.
        seed (int): Seed of the run.
        offset (int): Added to the split's position in ``sizes``.
    """
    os.makedirs(out_dir, exist_ok=True)
    for i, (split, num) in enumerate(sizes.items()):
        if num > 0:
            yield split, num, np.random.default_rng([seed, offset + i])


def generate_butppg(out_dir: str, sizes: Dict[str, int], good_share: float,
                    seed: int, ecg_method: str = 'ecgsyn',
                    verbose: bool = True) -> Dict[str, str]:
    """Write ``{split}.npz`` (``signals`` [N, 5, 1250], ``labels``)."""
    written = {}
    for split, num, rng in _split_streams(out_dir, sizes, seed, 0):
        data = generate_windows(num, BUTPPG_CHANNELS, good_share, rng,
                                ecg_method, verbose=verbose,
                                label=f'butppg {split}: ')
        path = osp.join(out_dir, f'{split}.npz')
        np.savez(path, signals=data['signals'], labels=data['labels'])
        written[split] = path
        if verbose:
            good = int(data['labels'].sum())
            print(f'\n{path}: {num} windows, {good} good / {num - good} '
                  'poor', flush=True)
    return written


def generate_vitaldb(out_dir: str, sizes: Dict[str, int], seed: int,
                     poor_share: float = 0.2, ecg_method: str = 'ecgsyn',
                     verbose: bool = True) -> Dict[str, str]:
    """Write ``{split}_windows.npz`` (``data`` [N, 2, 1250]: PPG, ECG)."""
    written = {}
    for split, num, rng in _split_streams(out_dir, sizes, seed, 100):
        data = generate_windows(num, VITALDB_CHANNELS, 1 - poor_share, rng,
                                ecg_method, verbose=verbose,
                                label=f'vitaldb {split}: ')
        path = osp.join(out_dir, f'{split}_windows.npz')
        np.savez(path, data=data['signals'])
        written[split] = path
        if verbose:
            print(f'\n{path}: {num} windows', flush=True)
    return written
