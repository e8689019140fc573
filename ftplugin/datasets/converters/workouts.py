"""Convert FIT, TCX and GPX workouts with heart rate into the .pt format.

The command line is ``tools/data/apple_watch/convert_workouts.py``; the
format it writes is ``ftplugin.datasets.formats.apple_watch_pt``'s.

Inputs: workout files or folders (searched recursively for *.fit, *.tcx,
*.gpx). Reading them needs the parsers of requirements/optional.txt
(fitdecode, tcxreader, gpxpy): ``pip install -r requirements/optional.txt``.

Each workout is resampled onto a uniform time grid (one step every
``--step-seconds``, linear interpolation; timer pauses longer than
``--max-gap`` seconds are shortened to one step), so one step means the same
time in every workout. ``original_lengths`` is the number of grid steps; the
first ``--seq-len`` are kept, shorter workouts are padded by repeating their
last value (the original project's padding; the mask of AppleWatchDataset
leaves it out).
Speed comes from the file's speed field, else from its distance, else from
its positions, in km/h; altitude in metres; heart rate in BPM (zeros, i.e.
no skin contact, count as missing); ``timestamps`` in seconds since the start.

Workouts are split by start date, oldest first: 70 % train, 15 % val, 15 %
test (at least one each). Speed and altitude are z-scored with statistics of
the training split's valid steps, written to ``scaler_params.json``, or with
those of ``--scaler-params`` (e.g. the pretraining data's). ``workouts.json``
lists every file with its start, split and length.

A file that cannot be used stops the conversion with an error naming the file
and the field; ``--skip-bad`` reports and skips it instead.
"""
import glob
import json
import os.path as osp
import sys
from datetime import datetime, timezone
from typing import Dict, List, Optional

import numpy as np
from mmengine.utils import ProgressBar

from ...utils.atomic_io import atomic_write_json

from ..formats.apple_watch_pt import (SCALER_KEYS, SPLIT_RATIOS, fit_scaler,
                                     write_workout_splits)
from ..formats.workout_files import (FORMATS, READERS, WorkoutError)


def haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in metres between arrays of points."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2)**2 +
         np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2)**2)
    return 6371008.8 * 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def resample(path: str, rows: Dict[str, list], step: float, max_gap: float,
             min_points: int, fill_altitude: bool) -> dict:
    """Put one workout onto a uniform grid of ``step`` seconds."""
    if not rows['time']:
        raise WorkoutError(f'{path}: no timestamped record/trackpoint')
    cols = {k: np.asarray(v, dtype=np.float64) for k, v in rows.items()}
    order = np.argsort(cols['time'], kind='stable')
    cols = {k: v[order] for k, v in cols.items()}
    start = cols['time'][0]
    # moving time: a timer pause longer than max_gap becomes one step
    gaps = np.diff(cols['time'], prepend=cols['time'][0])
    t = np.cumsum(np.where(gaps > max_gap, step, gaps))
    cols['hr'][cols['hr'] <= 0] = np.nan  # 0 = no skin contact
    n_hr = int(np.isfinite(cols['hr']).sum())
    if n_hr < min_points:
        raise WorkoutError(f'{path}: field heart_rate has {n_hr} sample(s), '
                           f'need at least {min_points}: the workout was '
                           f'recorded without a heart-rate sensor?')
    if t[-1] < step:
        raise WorkoutError(f'{path}: field timestamps spans {t[-1]:.0f} s, '
                           f'shorter than one step ({step} s)')
    grid = np.arange(0.0, t[-1] + 1e-9, step)
    check_heart_rate_coverage(path, grid, t[np.isfinite(cols['hr'])],
                              max(max_gap, step))

    def interp(values: np.ndarray) -> np.ndarray:
        ok = np.isfinite(values)
        return np.interp(grid, t[ok], values[ok])

    speed_source = 'speed'
    if np.isfinite(cols['speed']).sum() >= min_points:
        speed = interp(cols['speed'])
    else:
        if np.isfinite(cols['distance']).sum() >= min_points:
            speed_source = 'distance'
            dist = cols['distance']
        else:
            ok = np.isfinite(cols['lat']) & np.isfinite(cols['lon'])
            if ok.sum() < min_points:
                raise WorkoutError(
                    f'{path}: field speed is missing and cannot be derived: '
                    f'no speed, distance or position samples')
            speed_source = 'positions'
            lat, lon = cols['lat'][ok], cols['lon'][ok]
            steps = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
            dist = np.full(len(t), np.nan)
            dist[np.flatnonzero(ok)] = np.concatenate([[0.0],
                                                       np.cumsum(steps)])
        # metres covered per grid step; a pause adds no distance
        covered = interp(dist)
        speed = np.diff(covered, prepend=covered[0]) / step * 3.6
        speed[0] = speed[1] if len(speed) > 1 else 0.0
    speed = np.clip(speed, 0.0, None)
    if np.isfinite(cols['altitude']).sum() >= 1:
        altitude = interp(cols['altitude'])
    elif fill_altitude:
        altitude = np.zeros_like(grid)
    else:
        raise WorkoutError(f'{path}: field altitude is missing (e.g. an '
                           f'indoor run); --fill-missing-altitude uses a '
                           f'flat profile instead')
    return dict(file=path, start=start, speed=speed, altitude=altitude,
                heart_rate=interp(cols['hr']), timestamps=grid,
                speed_source=speed_source)


# share of a workout's steps allowed without a heart-rate sample within
# max_gap seconds (a strap losing contact for a while)
MAX_UNCOVERED = 0.1


def check_heart_rate_coverage(path: str, grid: np.ndarray,
                              hr_times: np.ndarray, max_gap: float) -> None:
    """Refuse a workout whose heart rate was recorded for a part of it
    only: interpolation would hold the first (last) value over the rest,
    a made-up heart rate fed to the model and scored as measured."""
    after = np.clip(np.searchsorted(hr_times, grid), 0, len(hr_times) - 1)
    before = np.clip(after - 1, 0, len(hr_times) - 1)
    distance = np.minimum(np.abs(hr_times[after] - grid),
                          np.abs(grid - hr_times[before]))
    uncovered = float(np.mean(distance > max_gap))
    if uncovered > MAX_UNCOVERED:
        raise WorkoutError(
            f'{path}: field heart_rate has no sample within {max_gap:g} s of '
            f'{uncovered:.0%} of the workout\'s steps (recorded from '
            f'{hr_times[0]:.0f} s to {hr_times[-1]:.0f} s of '
            f'{grid[-1]:.0f} s): the missing part would be filled with '
            f'made-up values; cut the workout to the part with heart rate')


def find_files(inputs: List[str]) -> List[str]:
    """Workout files among ``inputs`` (files, or folders searched
    recursively), sorted."""
    files = []
    for item in inputs:
        if osp.isdir(item):
            for path in glob.glob(osp.join(item, '**', '*'), recursive=True):
                if osp.splitext(path)[1].lower() in FORMATS:
                    files.append(path)
        elif osp.isfile(item):
            if osp.splitext(item)[1].lower() not in FORMATS:
                raise WorkoutError(f'{item}: not a .fit, .tcx or .gpx file')
            files.append(item)
        else:
            raise FileNotFoundError(f'{item} not found')
    return sorted(set(files))


def split_by_date(workouts: List[dict]) -> Dict[str, List[dict]]:
    """Oldest 70 % train, next 15 % val, newest 15 % test (>= 1 each)."""
    n = len(workouts)
    if n < 3:
        raise WorkoutError(f'{n} usable workout(s): a train/val/test split '
                           f'needs at least 3')
    ordered = sorted(workouts, key=lambda w: w['start'])
    n_val = max(1, round(n * SPLIT_RATIOS[1]))
    n_test = max(1, round(n * SPLIT_RATIOS[2]))
    n_train = n - n_val - n_test
    if n_train < 1:
        n_train, n_val, n_test = 1, 1, n - 2
    return dict(train=ordered[:n_train],
                val=ordered[n_train:n_train + n_val],
                test=ordered[n_train + n_val:])


def convert(inputs: List[str], out_dir: str, step: float = 10.0,
            seq_len: int = 500, max_gap: float = 60.0, min_points: int = 10,
            scaler_params: Optional[str] = None, user_id: int = 0,
            gender: Optional[float] = None, fill_altitude: bool = False,
            skip_bad: bool = False, verbose: bool = True) -> dict:
    """Convert workout files into ``out_dir``; return split sizes."""
    files = find_files(inputs)
    if not files:
        raise WorkoutError(f'no .fit, .tcx or .gpx file in {inputs}')
    workouts, skipped = [], []
    bar = ProgressBar(len(files)) if verbose else None
    for path in files:
        if bar:
            bar.update()
        fmt = FORMATS[osp.splitext(path)[1].lower()]
        try:
            rows = READERS[fmt](path)
            workout = resample(path, rows, step, max_gap, min_points,
                               fill_altitude)
        except WorkoutError as err:
            if not skip_bad:
                raise
            skipped.append(str(err))
            continue
        workout.update(format=fmt, user_id=user_id, gender=gender)
        workouts.append(workout)
    if verbose:
        print()
    for reason in skipped:
        print(f'skipped: {reason}', file=sys.stderr)
    splits = split_by_date(workouts)
    if scaler_params:
        with open(scaler_params) as f:
            scaler = json.load(f)
        missing = [k for k in SCALER_KEYS if k not in scaler]
        if missing:
            raise WorkoutError(f'{scaler_params}: missing field(s) {missing}')
    else:
        scaler = fit_scaler(splits['train'], seq_len)
    # the grid goes with the statistics (and into a training run's meta),
    # so that inference resamples new workouts the same way
    scaler = dict(scaler, step_seconds=step)
    sizes = write_workout_splits(out_dir, splits, scaler, seq_len)
    index = []
    for split, group in splits.items():
        for w in group:
            index.append(dict(
                file=w['file'], format=w['format'], split=split,
                start=datetime.fromtimestamp(
                    w['start'], timezone.utc).isoformat(),
                original_length=len(w['speed']),
                speed_source=w['speed_source']))
    atomic_write_json(osp.join(out_dir, 'workouts.json'),
                      dict(step_seconds=step, sequence_length=seq_len,
                           skipped=skipped, workouts=index), indent=2)
    if verbose:
        print(f'{sum(sizes.values())} workouts -> {out_dir}: {sizes}'
              + (f', {len(skipped)} skipped' if skipped else ''))
    return sizes
