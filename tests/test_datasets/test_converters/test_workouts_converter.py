"""The workout converter (tools/data/apple_watch/convert_workouts.py) on GPX,
TCX and FIT files made here."""
import json

import numpy as np
import pytest
import torch
from data_fixtures.workout_files import (make_run, start_date, write_fit,
                                         write_gpx, write_tcx)

STEP = 10.0
WRITERS = dict(gpx=write_gpx, tcx=write_tcx, fit=write_fit)
# file name -> (day, points); names do not sort like the dates
FILES = {'b_run.gpx': (3, 150), 'a_run.tcx': (5, 170), 'f_run.fit': (0, 190),
         'c_run.fit': (4, 140), 'e_run.gpx': (1, 200), 'd_run.tcx': (2, 160)}


def write_all(folder, files=FILES, interval=5.0):
    runs = {}
    for name, (day, n) in files.items():
        run = make_run(start_date(day), n, interval=interval, seed=day)
        WRITERS[name.rsplit('.', 1)[1]](folder / name, run)
        runs[name] = run
    return runs


@pytest.fixture(scope='module')
def converted(tmp_path_factory, aw_convert):
    src = tmp_path_factory.mktemp('workouts')
    runs = write_all(src)
    out = tmp_path_factory.mktemp('converted')
    sizes = aw_convert.convert([str(src)], str(out), step=STEP,
                               verbose=False)
    return src, out, runs, sizes


def expected_grid(run):
    return np.arange(0.0, run['time'][-1] + 1e-9, STEP)


def test_split_by_date(converted):
    src, out, runs, sizes = converted
    assert sizes == dict(train=4, val=1, test=1)
    index = json.loads((out / 'workouts.json').read_text())['workouts']
    by_day = sorted(FILES, key=lambda name: FILES[name][0])
    splits = {e['file'].rsplit('/', 1)[1]: e['split'] for e in index}
    assert [splits[n] for n in by_day] == ['train'] * 4 + ['val', 'test']
    assert {e['format'] for e in index} == {'gpx', 'tcx', 'fit'}
    speed_from = {e['file'].rsplit('.', 1)[1]: e['speed_source']
                  for e in index}
    # GPX has no speed field: it comes from the positions
    assert speed_from == dict(gpx='positions', tcx='speed', fit='speed')


def test_values_resampled_onto_the_grid(converted):
    src, out, runs, _ = converted
    index = json.loads((out / 'workouts.json').read_text())['workouts']
    scaler = json.loads((out / 'scaler_params.json').read_text())
    for split in ('train', 'val', 'test'):
        data = torch.load(out / f'{split}.pt')
        assert set(data) >= {'speed', 'altitude', 'heart_rate',
                             'timestamps', 'original_lengths'}
        for key in ('speed', 'altitude', 'heart_rate', 'timestamps'):
            assert data[key].shape[1:] == (500, 1)
            assert data[key].dtype == torch.float32
        assert data['original_lengths'].dtype == torch.int64
        names = [e['file'].rsplit('/', 1)[1] for e in index
                 if e['split'] == split]
        for i, name in enumerate(names):
            run = runs[name]
            grid = expected_grid(run)
            n = len(grid)
            assert int(data['original_lengths'][i]) == n
            np.testing.assert_allclose(data['timestamps'][i, :n, 0], grid)
            np.testing.assert_allclose(
                data['heart_rate'][i, :n, 0],
                np.interp(grid, run['time'], run['hr']), atol=1e-4)
            # padding repeats the last value
            assert (data['heart_rate'][i, n:, 0] ==
                    data['heart_rate'][i, n - 1, 0]).all()
            altitude = (data['altitude'][i, :n, 0].double().numpy() *
                        scaler['altitude_std'] + scaler['altitude_mean'])
            # FIT stores altitude in steps of 0.2 m
            np.testing.assert_allclose(
                altitude, np.interp(grid, run['time'], run['altitude']),
                atol=0.11)
            speed = (data['speed'][i, :n, 0].double().numpy() *
                     scaler['speed_std'] + scaler['speed_mean'])
            if name.endswith('.gpx'):
                # metres covered per step, from the positions
                dist = np.interp(grid, run['time'], run['distance'])
                expected = np.diff(dist) / STEP * 3.6
                np.testing.assert_allclose(speed[1:], expected, atol=0.02)
            else:
                np.testing.assert_allclose(
                    speed, np.interp(grid, run['time'], run['speed']) * 3.6,
                    atol=0.01)


def test_scaler_fitted_on_train_valid_steps(converted):
    _, out, _, _ = converted
    scaler = json.loads((out / 'scaler_params.json').read_text())
    data = torch.load(out / 'train.pt')
    n = data['original_lengths'][:, 0]
    valid = torch.arange(500)[None] < n[:, None]
    for key in ('speed', 'altitude'):
        z = data[key][..., 0][valid].double()
        assert z.mean().item() == pytest.approx(0.0, abs=1e-5)
        assert z.std(unbiased=False).item() == pytest.approx(1.0, rel=1e-4)
    hr = data['heart_rate'][..., 0][valid].double()
    assert scaler['heart_rate_mean'] == pytest.approx(hr.mean().item(),
                                                      rel=1e-6)


def test_reuse_of_pretraining_scaler(tmp_path, aw_convert):
    src = tmp_path / 'src'
    src.mkdir()
    runs = write_all(src, {k: FILES[k] for k in list(FILES)[:3]})
    params = dict(speed_mean=8.0, speed_std=3.0, altitude_mean=500.0,
                  altitude_std=100.0)
    (tmp_path / 'pre.json').write_text(json.dumps(params))
    out = tmp_path / 'out'
    aw_convert.convert([str(src)], str(out), step=STEP,
                       scaler_params=str(tmp_path / 'pre.json'),
                       verbose=False)
    # the statistics as given, with this conversion's grid (for inference)
    assert json.loads((out / 'scaler_params.json').read_text()) == dict(
        params, step_seconds=STEP)
    index = json.loads((out / 'workouts.json').read_text())['workouts']
    (first, ) = [e for e in index if e['split'] == 'train']
    run = runs[first['file'].rsplit('/', 1)[1]]
    data = torch.load(out / 'train.pt')
    grid = expected_grid(run)
    np.testing.assert_allclose(
        data['altitude'][0, :len(grid), 0],
        (np.interp(grid, run['time'], run['altitude']) - 500.0) / 100.0,
        atol=2e-3)


def test_timer_pauses_are_shortened(tmp_path, aw_convert):
    run = make_run(start_date(0), 120, interval=5.0)
    run['time'] = run['time'] + np.where(np.arange(120) >= 60, 600.0, 0.0)
    write_tcx(tmp_path / 'paused.tcx', run)
    from ftplugin.datasets.formats.workout_files import read_tcx
    rows = read_tcx(str(tmp_path / 'paused.tcx'))
    out = aw_convert.resample('paused.tcx', rows, STEP, 60.0, 10, False)
    # 119 intervals of 5 s, the 605 s one counting as one 10 s step
    moving = 118 * 5.0 + STEP
    assert len(out['timestamps']) == int(moving // STEP) + 1


def test_file_without_heart_rate_names_file_and_field(tmp_path,
                                                      aw_convert):
    write_all(tmp_path, {k: FILES[k] for k in list(FILES)[:3]})
    run = make_run(start_date(9), 100)
    write_gpx(tmp_path / 'no_hr.gpx', run, with_hr=False)
    with pytest.raises(aw_convert.WorkoutError) as info:
        aw_convert.convert([str(tmp_path)], str(tmp_path / 'out'),
                           verbose=False)
    assert 'no_hr.gpx' in str(info.value)
    assert 'heart_rate' in str(info.value)
    assert not (tmp_path / 'out').exists()
    sizes = aw_convert.convert([str(tmp_path)], str(tmp_path / 'out'),
                               skip_bad=True, verbose=False)
    assert sum(sizes.values()) == 3
    index = json.loads((tmp_path / 'out' / 'workouts.json').read_text())
    assert len(index['skipped']) == 1 and 'no_hr.gpx' in index['skipped'][0]


def test_broken_and_foreign_files(tmp_path, aw_convert):
    (tmp_path / 'broken.fit').write_bytes(b'\x0e\x10garbage')
    with pytest.raises(aw_convert.WorkoutError, match='broken.fit'):
        aw_convert.convert([str(tmp_path / 'broken.fit')],
                           str(tmp_path / 'o'), verbose=False)
    (tmp_path / 'notes.txt').write_text('x')
    with pytest.raises(aw_convert.WorkoutError, match='notes.txt'):
        aw_convert.convert([str(tmp_path / 'notes.txt')],
                           str(tmp_path / 'o'), verbose=False)
    write_all(tmp_path, {'x.tcx': (0, 100), 'y.tcx': (1, 100)})
    with pytest.raises(aw_convert.WorkoutError, match='at least 3'):
        aw_convert.convert([str(tmp_path / 'x.tcx'), str(tmp_path / 'y.tcx')],
                           str(tmp_path / 'o'), verbose=False)


def test_heart_rate_recorded_for_a_part_only_is_refused(tmp_path,
                                                        aw_convert):
    """A strap without contact (0 BPM) for most of a run: the converter
    held the first measured value over it, a made-up heart rate to train
    on (and, at inference, to feed the model and score against)."""
    run = make_run(start_date(0), 200)
    hr = run['hr'].copy()
    hr[:150] = 0
    write_tcx(tmp_path / 'late_strap.tcx', dict(run, hr=hr))
    with pytest.raises(aw_convert.WorkoutError,
                       match=r'late_strap\.tcx: field heart_rate has no '
                       r'sample within 60 s of \d+% of'):
        aw_convert.convert([str(tmp_path / 'late_strap.tcx')],
                           str(tmp_path / 'o'), verbose=False)
    # a minute without contact is bridged
    hr = run['hr'].copy()
    hr[100:112] = 0
    write_tcx(tmp_path / 'short_gap.tcx', dict(run, hr=hr))
    rows = aw_convert.READERS['tcx'](str(tmp_path / 'short_gap.tcx'))
    aw_convert.resample(str(tmp_path / 'short_gap.tcx'), rows, STEP, 60.0,
                        10, False)
