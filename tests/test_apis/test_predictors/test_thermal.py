"""thermal inference: the windows of an annotation JSON against tools/test.py
--dump, sliding windows over a recording (generated and real), ONNX
against torch, mmaction2's inference_recognizer on a recording's frame."""
import numpy as np
import pytest
import torch
from data_fixtures.inference import (assert_onnx_agrees, export_with_sidecar,
                                     serial, train_and_dump)

from ftplugin.apis import inference, init_model
from ftplugin.apis.predictors import InferenceInputError

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('infer_thermal')]
CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'


@pytest.fixture(scope='module')
def run(thermal_gen, run_tool, tmp_path_factory):
    work = tmp_path_factory.mktemp('infer_thermal')
    ckpt, dump = train_and_dump(run_tool, CFG, thermal_gen, work,
                                serial('train', 'val', 'test'))
    return work, ckpt, dump, init_model(CFG, str(ckpt))


def test_annotation_windows_equal_the_test_dump(run, thermal_gen):
    _, _, dump, model = run
    records = inference(model, str(thermal_gen / 'annotations/val.json'))
    # the dataset's order: the annotated images whose recording exists
    assert len(records) == len(dump)
    for record, expected in zip(records, dump):
        assert record['gt_label'] == int(expected['gt_label'])
        np.testing.assert_allclose(record['probs'],
                                   expected['pred_score'].numpy(),
                                   atol=1e-5)
        assert record['pred_label'] == int(expected['pred_label'])
    assert records[0]['pred_class'] == model.dataset_meta['classes'][
        records[0]['pred_label']]


def test_sliding_windows_are_the_dataset_clips(run, thermal_gen,
                                               build_thermal):
    """Window i of a recording is the dataset's clip centred on its middle
    frame, fed through the same test pipeline."""
    import h5py
    _, _, _, model = run
    path = sorted((thermal_gen / 'frames').glob('*.h5'))[0]
    (record, ) = inference(model, str(path), per_window=True, hop=20)
    with h5py.File(path) as f:
        total = len(f['frames'])
    starts = [w['start'] for w in record['windows']]
    assert starts[:-1] == list(range(0, total - 64 + 1, 20))
    # the last window ends at the recording's last frame
    assert record['windows'][-1]['end'] == total
    assert record['num_frames'] == total
    assert 0 < record['windows'][1]['time_s'] < record['windows'][2][
        'time_s']
    from mmaction.apis import inference_recognizer
    for window in record['windows'][:2]:
        result = inference_recognizer(model, dict(
            filename=str(path), frame_idx=window['start'] + 32))
        np.testing.assert_allclose(window['probs'],
                                   result.pred_score.numpy(), atol=1e-5)
    np.testing.assert_allclose(
        record['probs'], np.mean([w['probs'] for w in record['windows']], 0),
        atol=1e-6)
    with pytest.raises(ValueError, match='holds many windows'):
        inference_recognizer(model, str(path))


def test_onnx_agrees_with_torch(run, thermal_gen):
    work, ckpt, _, model = run
    onnx_file = export_with_sidecar(CFG, ckpt, work / 'model.onnx')
    path = str(sorted((thermal_gen / 'frames').glob('*.h5'))[0])
    assert_onnx_agrees(model, onnx_file, path)


def test_class_names_come_from_the_checkpoint_or_a_mapping(run, thermal_gen,
                                                           tmp_path):
    from ftplugin.checkpoint import safe_torch_load
    _, ckpt, _, model = run
    assert model.inference_spec['classes'] == list(
        model.dataset_meta['classes'])
    bare = tmp_path / 'bare.pth'
    torch.save(dict(state_dict=safe_torch_load(str(ckpt))['state_dict']),
               bare)
    bare_model = init_model(CFG, str(bare))
    path = str(sorted((thermal_gen / 'frames').glob('*.h5'))[0])
    with pytest.raises(InferenceInputError, match='carries no class names'):
        inference(bare_model, path)
    mapping = thermal_gen / 'annotations' / 'class_mapping.json'
    (record, ) = inference(bare_model, path, class_mapping=str(mapping))
    assert record['pred_class'] == model.dataset_meta['classes'][
        record['pred_label']]


def test_class_names_that_do_not_fit_the_model_are_refused(run, thermal_gen,
                                                           tmp_path):
    """A class mapping in another order than the checkpoint's, or of
    another count than the model's outputs (bare checkpoint, edited
    sidecar), named the scores by other classes without a word."""
    import json
    import shutil
    from ftplugin.apis import init_onnx_model
    from ftplugin.apis.predictors import ModelMismatchError
    from ftplugin.checkpoint import safe_torch_load
    work, ckpt, _, model = run
    path = str(sorted((thermal_gen / 'frames').glob('*.h5'))[0])
    names = list(model.dataset_meta['classes'])
    reversed_map = tmp_path / 'reversed.json'
    reversed_map.write_text(json.dumps(dict(classes=names[::-1])))
    with pytest.raises(ModelMismatchError,
                       match=rf'{reversed_map}: field "classes" .* differs '
                       rf'from the classes {ckpt} was trained on'):
        inference(model, path, class_mapping=str(reversed_map))
    three = tmp_path / 'three.json'
    three.write_text(json.dumps(dict(classes=names[:3])))
    bare = tmp_path / 'bare.pth'
    torch.save(dict(state_dict=safe_torch_load(str(ckpt))['state_dict']),
               bare)
    with pytest.raises(ModelMismatchError,
                       match=r'gives 14 class scores but its class names '
                       rf'\({three}\) are 3'):
        inference(init_model(CFG, str(bare)), path, class_mapping=str(three))
    onnx_file = export_with_sidecar(CFG, ckpt, tmp_path / 'model.onnx')
    sidecar = json.loads((tmp_path / 'model.onnx.json').read_text())
    sidecar['classes'] = names[:3]
    shutil.copy(onnx_file, tmp_path / 'edited.onnx')
    (tmp_path / 'edited.onnx.json').write_text(json.dumps(sidecar))
    with pytest.raises(ModelMismatchError, match='gives 14 class scores'):
        inference(init_onnx_model(str(tmp_path / 'edited.onnx')), path)


def test_a_sidecar_of_another_export_is_refused(run, thermal_gen, tmp_path):
    """A sidecar copied beside another export was read without a word
    (its classes, temperatures, normalisation taken as this model's); one
    edited to another clip size crashed in onnxruntime naming no file."""
    import json
    import shutil
    from ftplugin.apis import init_onnx_model
    from ftplugin.apis.predictors import ModelMismatchError
    from ftplugin.checkpoint import safe_torch_load
    _, ckpt, _, _ = run
    path = str(sorted((thermal_gen / 'frames').glob('*.h5'))[0])
    onnx_file = export_with_sidecar(CFG, ckpt, tmp_path / 'a.onnx')
    sidecar = json.loads((tmp_path / 'a.onnx.json').read_text())
    # another checkpoint of the same config: another .onnx
    other = safe_torch_load(str(ckpt))
    other['state_dict'] = {k: v + 1 if v.is_floating_point() else v
                           for k, v in other['state_dict'].items()}
    torch.save(other, tmp_path / 'other.pth')
    export_with_sidecar(CFG, tmp_path / 'other.pth', tmp_path / 'b.onnx')
    shutil.copy(tmp_path / 'a.onnx.json', tmp_path / 'b.onnx.json')
    with pytest.raises(ModelMismatchError,
                       match=r'b\.onnx\.json: field "onnx_sha256" is not '
                       r'the SHA-256 of .*b\.onnx'):
        init_onnx_model(str(tmp_path / 'b.onnx'))
    # an edited clip (no fingerprint, as older sidecars)
    shutil.copy(onnx_file, tmp_path / 'c.onnx')
    del sidecar['onnx_sha256']
    for step in sidecar['pipeline']:
        if step['type'] == 'Resize':
            step['scale'] = [60, 40]
    (tmp_path / 'c.onnx.json').write_text(json.dumps(sidecar))
    with pytest.raises(ModelMismatchError,
                       match=r'c\.onnx: input "clips" takes shape .* but '
                       r'the reading and pipeline of .*c\.onnx\.json give'):
        inference(init_onnx_model(str(tmp_path / 'c.onnx')), path)


def test_bad_recordings_are_named(run, tmp_path):
    import h5py
    model = run[3]
    empty = tmp_path / 'empty.h5'
    with h5py.File(empty, 'w') as f:
        f['temperature'] = np.zeros((3, 40, 60), np.float32)
    with pytest.raises(InferenceInputError,
                       match=r'empty\.h5: no dataset "frames"'):
        inference(model, str(empty))
    broken = tmp_path / 'broken.h5'
    broken.write_bytes(b'not hdf5')
    with pytest.raises(InferenceInputError,
                       match=r'broken\.h5: cannot be read as HDF5'):
        inference(model, str(broken))



def test_recording_in_kelvin_is_refused(run, tmp_path):
    """The unit check of the training data also guards inference."""
    import h5py
    kelvin = tmp_path / 'kelvin.h5'
    frames = np.full((80, 40, 60), 22.0 + 273.15, np.float32)
    with h5py.File(kelvin, 'w') as f:
        f['frames'] = frames
    with pytest.raises(InferenceInputError, match=r'kelvin\.h5.*Kelvin'):
        inference(run[3], str(kelvin))

def test_recording_timestamps_and_length_are_checked(run, thermal_gen,
                                                     tmp_path):
    """Timestamps out of order, repeated or of another length gave wrong
    ``time_s`` / ``sensor_fps`` silently; a recording shorter than one
    window was scored from repeated edge frames."""
    import h5py
    model = run[3]
    source = sorted((thermal_gen / 'frames').glob('*.h5'))[0]
    with h5py.File(source) as f:
        frames, stamps = f['frames'][:], f['timestamps'][:]
    cases = dict(backwards=(frames, stamps[::-1], 'not strictly increasing'),
                 repeated=(frames, np.full_like(stamps, stamps[0]),
                           'not strictly increasing'),
                 other_length=(frames, stamps[:10], r'has shape \(10,\)'),
                 short=(frames[:5], stamps[:5], 'fewer than one window'))
    for name, (data, times, match) in cases.items():
        path = tmp_path / f'{name}.h5'
        with h5py.File(path, 'w') as f:
            f['frames'], f['timestamps'] = data, times
        with pytest.raises(InferenceInputError,
                           match=rf'{name}\.h5: dataset "(timestamps|frames)'
                           rf'".*{match}'):
            inference(model, str(path))
    # another frame rate than the training data's (saved in the checkpoint)
    assert model.inference_spec['sensor_fps'] > 0
    slow = tmp_path / 'slow.h5'
    with h5py.File(slow, 'w') as f:
        f['frames'], f['timestamps'] = frames, stamps[0] + (
            stamps - stamps[0]) * 4
    with pytest.raises(InferenceInputError,
                       match=r'slow\.h5: .* frames/s \(from "timestamps"\) '
                       r'but the model was trained on'):
        inference(model, str(slow))
    # the short recording with a window that fits it
    (record, ) = inference(model, str(tmp_path / 'short.h5'), window=5)
    assert record['num_frames'] == 5


def test_a_recording_of_another_frame_size_is_refused(run, thermal_gen,
                                                      tmp_path):
    """The test pipeline resizes any frame to the model's input: a
    recording stored (N, W, H) or of another sensor was scored silently.
    The frame size of the training data is saved in the checkpoint."""
    import h5py
    model = run[3]
    assert model.inference_spec['frame_shape'] == [40, 60]
    source = sorted((thermal_gen / 'frames').glob('*.h5'))[0]
    with h5py.File(source) as f:
        frames = f['frames'][:]
    for name, data, cause in (
            ('swapped', frames.transpose(0, 2, 1), 'height and width swapped'),
            ('larger', np.concatenate([frames, frames], 1), 'another sensor')):
        path = tmp_path / f'{name}.h5'
        with h5py.File(path, 'w') as f:
            f['frames'] = np.ascontiguousarray(data)
        with pytest.raises(InferenceInputError,
                           match=rf'{name}\.h5: dataset "frames" holds .* '
                           rf'was trained on 40 x 60 .*{cause}'):
            inference(model, str(path))


def test_annotations_of_a_trimmed_recording_are_refused(run, thermal_gen,
                                                        tmp_path):
    """The windows an annotation JSON names, on a recording trimmed
    after annotation: every frame_idx in range, each clip shifted."""
    import json
    import shutil

    import h5py
    model = run[3]
    ann = thermal_gen / 'annotations' / 'val.json'
    sensor = json.loads(ann.read_text())['images'][0]['sensor_id']
    frames_dir = tmp_path / 'frames'
    shutil.copytree(thermal_gen / 'frames', frames_dir)
    path = frames_dir / f'{sensor}.h5'
    with h5py.File(path) as f:
        # 3 frames cut at the start, 3 added at the end: the same length
        frames = np.concatenate([f['frames'][3:], f['frames'][-3:]])
        stamps = np.concatenate([f['timestamps'][3:],
                                 f['timestamps'][-1] + [1, 2, 3]])
    path.unlink()
    with h5py.File(path, 'w') as f:
        f['frames'], f['timestamps'] = frames, stamps
    with pytest.raises(InferenceInputError,
                       match=r'field "timestamp" = .* trimmed or '
                       r're-indexed after annotation'):
        inference(model, str(ann), frames_dir=str(frames_dir))


def test_real_recording(run, thermal_real, build_thermal):
    """A real recording, scored over sliding windows: each window is the
    clip the dataset cuts around the same frame."""
    _, _, _, model = run
    path = thermal_real / 'frames' / 'SL14_R1.h5'
    (record, ) = inference(model, str(path), per_window=True, hop=128)
    assert record['num_windows'] >= 5
    assert 5.0 < record['sensor_fps'] < 8.0
    from mmaction.apis import inference_recognizer
    window = record['windows'][3]
    result = inference_recognizer(model, dict(
        filename=str(path), frame_idx=window['start'] + 32))
    np.testing.assert_allclose(window['probs'], result.pred_score.numpy(),
                               atol=1e-5)
