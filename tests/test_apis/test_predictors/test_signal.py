"""butppg inference: a windows file against tools/test.py --dump, long
recordings (.npz, CSV) cut into the same windows, ONNX against torch."""
import numpy as np
import pandas as pd
import pytest
from data_fixtures.butppg import ONE_THREAD, SCRATCH_CFG
from data_fixtures.inference import (assert_onnx_agrees, export_with_sidecar,
                                     train_and_dump)

from ftplugin.apis import inference, init_model
from ftplugin.apis.predictors import InferenceInputError

pytestmark = [pytest.mark.xdist_group('infer_butppg'),
              pytest.mark.usefixtures('one_thread')]
CHANNELS = ['ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG']


@pytest.fixture(scope='module')
def run(butppg_data, run_tool, tmp_path_factory):
    work = tmp_path_factory.mktemp('infer_butppg')
    ckpt, dump = train_and_dump(run_tool, SCRATCH_CFG, butppg_data, work,
                                env=ONE_THREAD)
    model = init_model(SCRATCH_CFG, str(ckpt))
    return work, ckpt, dump, model


def test_windows_file_equals_the_test_dump(run, butppg_data):
    _, _, dump, model = run
    (record, ) = inference(model, str(butppg_data / 'test.npz'),
                           per_window=True)
    expected = np.stack([r['pred_score'].numpy() for r in dump])
    got = np.array([w['probs'] for w in record['windows']])
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert [w['pred_class'] for w in record['windows']] == [
        ('poor', 'good')[i] for i in expected.argmax(1)]
    # the file: the mean of its windows
    np.testing.assert_allclose(record['probs'], expected.mean(0), atol=1e-5)


def test_mmaction_inference_recognizer_on_a_window(run, butppg_data,
                                                    tmp_path):
    """mmaction2's convention for a .npy (``audio_path``), and one window
    of a windows file by index."""
    from mmaction.apis import inference_recognizer
    _, _, dump, model = run
    window = recording(butppg_data, 1)
    np.save(tmp_path / 'window.npy', window)
    result = inference_recognizer(model, str(tmp_path / 'window.npy'))
    np.testing.assert_allclose(result.pred_score.numpy(),
                               dump[0]['pred_score'].numpy(), atol=1e-5)
    result = inference_recognizer(model, dict(
        filename=str(butppg_data / 'test.npz'), index=2))
    np.testing.assert_allclose(result.pred_score.numpy(),
                               dump[2]['pred_score'].numpy(), atol=1e-5)
    with pytest.raises(ValueError, match='holds 40 windows'):
        inference_recognizer(model, dict(
            filename=str(butppg_data / 'test.npz')))


def recording(butppg_data, n=3):
    """The first n test windows end to end, (5, n * 1250), [N, C, T] or
    [N, T, C] whatever the file's layout."""
    data = np.load(butppg_data / 'test.npz')
    signals = data['signals']
    if signals.shape[1] != 5:
        signals = signals.transpose(0, 2, 1)
    return np.concatenate(list(signals[:n]), axis=-1)


def test_recordings_are_cut_into_the_same_windows(run, butppg_data,
                                                  tmp_path):
    _, _, dump, model = run
    signals = recording(butppg_data)
    # channels stored in another order, named: read by name
    order = [4, 3, 0, 1, 2]
    npz = tmp_path / 'rec.npz'
    np.savez(npz, signals=signals[order].T, sample_rate=125.0,
             channel_names=np.array([CHANNELS[i] for i in order]))
    table = tmp_path / 'rec.csv'
    pd.DataFrame(signals.T, columns=CHANNELS).assign(
        time=np.arange(signals.shape[1]) / 125.0).to_csv(table, index=False)
    expected = np.stack([r['pred_score'].numpy() for r in dump[:3]])
    for path in (npz, table):
        (record, ) = inference(model, str(path), per_window=True, hop=625)
        windows = record['windows']
        # every 5 s: windows 0, 2 and 4 are test windows 0, 1 and 2
        assert [(w['start'], w['end']) for w in windows] == [
            (5.0 * i, 5.0 * i + 10) for i in range(5)]
        got = np.array([w['probs'] for w in windows])
        np.testing.assert_allclose(got[::2], expected, atol=1e-5)


def test_bad_recordings_are_named(run, butppg_data, tmp_path):
    model = run[3]
    signals = recording(butppg_data, 1)
    fast = tmp_path / 'fast.npz'
    np.savez(fast, signals=signals, sample_rate=250.0,
             channel_names=np.array(CHANNELS))
    with pytest.raises(InferenceInputError, match=r'fast\.npz.*250 Hz.*125'):
        inference(model, str(fast))
    no_ecg = tmp_path / 'no_ecg.csv'
    pd.DataFrame(signals[:4].T, columns=CHANNELS[:4]).to_csv(no_ecg,
                                                             index=False)
    with pytest.raises(InferenceInputError,
                       match=r"no_ecg\.csv.*\['ECG'\] missing"):
        inference(model, str(no_ecg), sample_rate=125)
    no_rate = tmp_path / 'no_rate.npz'
    np.savez(no_rate, signals=signals, channel_names=np.array(CHANNELS))
    with pytest.raises(InferenceInputError, match=r'no_rate\.npz.*'
                       r'sample_rate'):
        inference(model, str(no_rate))
    short = tmp_path / 'short.npz'
    np.savez(short, signals=signals[:, :600], sample_rate=125.0,
             channel_names=np.array(CHANNELS))
    with pytest.raises(InferenceInputError, match=r'short\.npz: 600 '
                       r'samples'):
        inference(model, str(short))


def test_onnx_agrees_with_torch(run, butppg_data):
    work, ckpt, _, model = run
    onnx_file = export_with_sidecar(SCRATCH_CFG, ckpt, work / 'model.onnx')
    path = str(butppg_data / 'test.npz')
    assert_onnx_agrees(model, onnx_file, path)
    # the sidecar carries the training statistics: another gain is refused
    # by onnxruntime's path too
    from ftplugin.apis import init_onnx_model
    millivolts = work / 'millivolts.npz'
    np.savez(millivolts, signals=recording(butppg_data) * 1000,
             sample_rate=125.0, channel_names=np.array(CHANNELS))
    with pytest.raises(InferenceInputError, match=r"millivolts\.npz: "
                       r"channel 'ACC_X'.*another unit or gain"):
        inference(init_onnx_model(str(onnx_file)), str(millivolts))
    # a sidecar that does not describe the graph beside it (it read
    # 1000-sample windows, or named three classes, silently)
    import json
    import shutil
    spec = json.loads((work / 'model.onnx.json').read_text())
    edits = {'window_length': ('dataset', 'window_length', 1000),
             'classes': (None, 'classes', ['poor', 'good', 'great'])}
    for name, (part, key, value) in edits.items():
        edited = json.loads(json.dumps(spec))
        (edited[part] if part else edited)[key] = value
        other = work / f'edited_{name}.onnx'
        shutil.copy(onnx_file, other)
        (work / f'edited_{name}.onnx.json').write_text(json.dumps(edited))
        with pytest.raises(ValueError, match=rf'edited_{name}\.onnx\.json:'
                           rf" field '[a-z.]*{key}' is .* does not belong"):
            init_onnx_model(str(other))


def test_inputs_that_do_not_fit_the_model_are_named(run, butppg_data,
                                                    tmp_path):
    """Each was predicted silently: windows stating another rate, a
    channel named twice (the first taken), a flat channel, another gain."""
    work, ckpt, _, model = run
    data = np.load(butppg_data / 'test.npz')
    signals = data['signals']
    if signals.shape[1] != 5:
        signals = signals.transpose(0, 2, 1)
    rec = recording(butppg_data)
    flat = signals.copy()
    flat[:, 4] = 0.0
    cases = dict(
        rate=(dict(signals=signals, fs=250.0), r"field 'fs' is 250"),
        twice=(dict(signals=np.concatenate([rec, rec[3:4] * 0]),
                    sample_rate=125.0,
                    channel_names=np.array(CHANNELS + ['PPG'])),
               r"'channel_names' names channel\(s\) \['PPG'\] more than"),
        flat=(dict(signals=flat), r"'signals': channel\(s\) ECG \(= 0\)"),
        gain=(dict(signals=rec * 1000, sample_rate=125.0,
                   channel_names=np.array(CHANNELS)),
              r"channel 'ACC_X'.*another unit or gain"))
    for name, (fields, message) in cases.items():
        np.savez(tmp_path / f'{name}.npz', **fields)
        with pytest.raises(InferenceInputError,
                           match=rf'{name}\.npz: .*{message}'):
            inference(model, str(tmp_path / f'{name}.npz'))
    table = tmp_path / 'twice.csv'
    pd.DataFrame(np.concatenate([rec, rec[3:4]]).T,
                 columns=CHANNELS + ['PPG']).to_csv(table, index=False)
    with pytest.raises(InferenceInputError, match=r"twice\.csv: field "
                       r"'header' names channel\(s\) \['PPG'\]"):
        inference(model, str(table), sample_rate=125)
    # one window alone is quieter than the training data on the
    # accelerometers (at rest): it is predicted; a gain on every channel
    # the other way (V for mV) is refused
    for i in range(len(signals)):
        np.savez(tmp_path / 'one.npz', signals=signals[i:i + 1])
        assert inference(model, str(tmp_path / 'one.npz'))
    np.savez(tmp_path / 'volts.npz', signals=signals / 1000)
    with pytest.raises(InferenceInputError, match=r'volts\.npz: channel '
                       r"'ACC_X'.*another unit or gain"):
        inference(model, str(tmp_path / 'volts.npz'))
    # the dataset's opt-out lets the flat channel through
    warn = init_model(SCRATCH_CFG, str(ckpt), cfg_options={
        'test_dataloader.dataset.on_implausible': 'warn'})
    assert inference(warn, str(tmp_path / 'flat.npz'))
