"""apple_watch inference: .pt workouts against tools/test.py --dump, FIT /
TCX / GPX workouts predicted without a conversion step (the same as
converting first), ONNX against torch, named errors."""
import json

import numpy as np
import pytest
import torch
from data_fixtures.inference import export_with_sidecar, train_and_dump
from data_fixtures.workout_files import (make_run, start_date, write_fit,
                                         write_gpx, write_tcx)

from ftplugin.apis import inference, init_model, init_onnx_model
from ftplugin.apis.predictors import InferenceInputError
from ftplugin.checkpoint import safe_torch_load

pytestmark = pytest.mark.xdist_group('infer_apple_watch')
CFG = 'configs/apple_watch/lstm_applewatch_scratch.py'


@pytest.fixture(scope='module')
def run(aw_data, run_tool, tmp_path_factory):
    work = tmp_path_factory.mktemp('infer_aw')
    ckpt, dump = train_and_dump(run_tool, CFG, aw_data / 'apple_watch', work)
    return work, ckpt, dump, init_model(CFG, str(ckpt))


@pytest.fixture(scope='module')
def workouts(tmp_path_factory):
    """Three runs on different days, as FIT; one also as TCX and GPX."""
    folder = tmp_path_factory.mktemp('workouts')
    runs = [make_run(start_date(d), 150 + 40 * d, 5.0, seed=d)
            for d in range(3)]
    for d, run in enumerate(runs):
        write_fit(folder / f'run{d}.fit', run)
    write_tcx(folder / 'run0.tcx', runs[0])
    write_gpx(folder / 'run0.gpx', runs[0])
    return folder, runs


def test_pt_workouts_equal_the_test_dump(run, aw_data):
    _, _, dump, model = run
    path = aw_data / 'apple_watch' / 'test.pt'
    records = inference(model, str(path), per_window=True)
    lengths = torch.load(path)['original_lengths'][:, 0].clamp(max=500)
    assert [r['file'] for r in records] == [f'{path}[{i}]'
                                            for i in range(len(dump))]
    for record, expected, length in zip(records, dump, lengths.tolist()):
        assert record['steps'] == length
        pred = [s['pred_hr'] for s in record['windows']]
        np.testing.assert_allclose(
            pred, expected['pred_hr'][:length, 0].numpy(), atol=1e-3)
        mask = expected['mask'][:length, 0].numpy()
        err = (expected['pred_hr'] - expected['gt_hr'])[:length, 0].numpy()
        assert record['mae_bpm'] == pytest.approx(
            np.abs(err[mask]).mean(), abs=1e-3)


def test_fit_workout_without_a_conversion_step(run, workouts, aw_data,
                                               tmp_path):
    """A FIT file straight in gives what converting it first (with the
    training data's scaler) and predicting on the .pt gives."""
    from ftplugin.datasets.converters.workouts import convert
    _, _, _, model = run
    folder, runs = workouts
    fit = folder / 'run0.fit'
    (direct, ) = inference(model, str(fit), per_window=True)
    # 150 records 5 s apart: 75 steps of 10 s, heart rate as measured
    assert direct['steps'] == 75
    steps = direct['windows']
    assert [s['time_s'] for s in steps[:3]] == [0.0, 10.0, 20.0]
    assert steps[2]['hr'] == pytest.approx(runs[0]['hr'][4])
    hr = np.array([s['hr'] for s in steps])
    pred = np.array([s['pred_hr'] for s in steps])
    assert direct['mae_bpm'] == pytest.approx(
        np.abs(pred - hr)[1:].mean(), abs=1e-3)
    out = tmp_path / 'converted'
    convert([str(folder / f'run{d}.fit') for d in range(3)], str(out),
            scaler_params=str(aw_data / 'apple_watch' / 'scaler_params.json'),
            verbose=False)
    index = json.loads((out / 'workouts.json').read_text())['workouts']
    split = next(w['split'] for w in index if w['file'] == str(fit))
    (converted, ) = [r for r in inference(model, str(out / f'{split}.pt'),
                                          per_window=True)]
    np.testing.assert_allclose(
        [s['pred_hr'] for s in converted['windows']], pred, atol=1e-3)
    # the same run as TCX and GPX: the same steps
    for other in ('run0.tcx', 'run0.gpx'):
        (record, ) = inference(model, str(folder / other), per_window=True)
        np.testing.assert_allclose(
            [s['pred_hr'] for s in record['windows']], pred, atol=0.05)


def test_onnx_agrees_with_torch(run, workouts):
    work, ckpt, _, model = run
    onnx_file = export_with_sidecar(CFG, ckpt, work / 'hr.onnx')
    folder, _ = workouts
    torch_recs = inference(model, str(folder), per_window=True)
    onnx_recs = inference(init_onnx_model(str(onnx_file)), str(folder),
                          per_window=True)
    assert len(torch_recs) == 5
    for t, o in zip(torch_recs, onnx_recs):
        np.testing.assert_allclose([s['pred_hr'] for s in o['windows']],
                                   [s['pred_hr'] for s in t['windows']],
                                   atol=1e-3)


def test_bad_workouts_are_named(run, tmp_path):
    work, ckpt, _, model = run
    no_hr = tmp_path / 'no_hr.gpx'
    write_gpx(no_hr, make_run(start_date(0), 60), with_hr=False)
    with pytest.raises(InferenceInputError,
                       match=r'no_hr\.gpx: field heart_rate'):
        inference(model, str(no_hr))
    # a checkpoint without its training run's meta carries no scaler
    bare = tmp_path / 'bare.pth'
    state = safe_torch_load(str(ckpt))['state_dict']
    torch.save(dict(state_dict=state), bare)
    fit = tmp_path / 'run.fit'
    write_fit(fit, make_run(start_date(1), 60))
    bare_model = init_model(CFG, str(bare))
    with pytest.raises(InferenceInputError, match='carries no scaler'):
        inference(bare_model, str(fit))
    # unless the training data's scaler is given
    scaler = work / 'scaler.json'
    scaler.write_text(json.dumps(model.dataset_meta['scaler']))
    (record, ) = inference(bare_model, str(fit), scaler=str(scaler))
    (expected, ) = inference(model, str(fit))
    assert record['mean_pred_hr'] == pytest.approx(expected['mean_pred_hr'])


def test_workouts_in_other_units_are_refused(run, tmp_path):
    """Heart rate not in BPM is an error; speed or altitude far from the
    training data (m/s written as km/h, feet) is implausible, with the
    dataset's opt-out (it was predicted silently)."""
    _, ckpt, _, model = run
    base = make_run(start_date(0), 150)
    cases = dict(hr_hz=('heart_rate', dict(hr=base['hr'] / 60)),
                 hr_x10=('heart_rate', dict(hr=base['hr'] * 10)),
                 speed_kmh=('speed', dict(speed=base['speed'] * 3.6)),
                 altitude_cm=('altitude', dict(
                     altitude=base['altitude'] * 100)))
    for name, (field, change) in cases.items():
        path = tmp_path / f'{name}.tcx'
        write_tcx(path, dict(base, **change))
        with pytest.raises(InferenceInputError,
                           match=rf'{name}\.tcx: field {field}'):
            inference(model, str(path))
    # the plausible run passes; speed with the opt-out is predicted
    write_tcx(tmp_path / 'ok.tcx', base)
    assert inference(model, str(tmp_path / 'ok.tcx'))
    warn = init_model(CFG, str(ckpt), cfg_options={
        'test_dataloader.dataset.on_implausible': 'warn'})
    assert inference(warn, str(tmp_path / 'speed_kmh.tcx'))


def test_a_pt_without_its_scaler_is_refused(run, aw_data, tmp_path):
    """Endomondo's test.pt holds z-scores of other statistics than the
    model's: without its scaler_params.json beside it, they were taken for
    the model's own."""
    model = run[3]
    import shutil
    shutil.copy(aw_data / 'endomondo' / 'test.pt', tmp_path / 'test.pt')
    with pytest.raises(InferenceInputError, match=r'test\.pt: no '
                       r'scaler_params\.json beside it'):
        inference(model, str(tmp_path / 'test.pt'))
    shutil.copy(aw_data / 'endomondo' / 'scaler_params.json', tmp_path)
    assert inference(model, str(tmp_path / 'test.pt'))


def test_another_step_than_the_training_grid_is_refused(run, workouts):
    """Workouts resampled every 1 s for a model trained on 10-s steps were
    predicted silently."""
    _, ckpt, _, _ = run
    folder, _ = workouts
    model = init_model(CFG, str(ckpt))
    # what a run on converted workouts records (the converter's grid)
    model.inference_spec['scaler'] = dict(model.inference_spec['scaler'],
                                          step_seconds=10.0)
    fit = str(folder / 'run0.fit')
    with pytest.raises(InferenceInputError, match=r'step_seconds=1, but .*'
                       r'every 10 s'):
        inference(model, fit, step_seconds=1)
    (record, ) = inference(model, fit, step_seconds=10)
    assert record['steps'] == 75
