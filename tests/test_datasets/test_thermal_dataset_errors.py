"""Bad thermal data (HDF5 recordings + COCO-style annotations + class
mapping), built here in tmp_path: each defect stops the dataset with an
error naming the file and the field, and ``tools/validate_data.py``'s pass
reports it the same way, all defects of a root at once."""

import h5py
import numpy as np
import pytest
from bad_input import (assert_each_reported, assert_implausible,
                       assert_refused, copy_root, drop_first, edit_json,
                       family_config, read_all, set_first, truncate,
                       validation_problems)

from ftplugin.testing.synthetic.thermal import generate_thermal

CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'
TRAIN = 'annotations/train.json'
REC = 'frames/SL90_R1.h5'


@pytest.fixture(scope='module')
def clean_root(tmp_path_factory):
    """3 recordings of 64 frames, a keyframe every 16."""
    root = tmp_path_factory.mktemp('thermal_clean') / 'thermal'
    generate_thermal(str(root), num_sensors=3, frames_per_sensor=64,
                     keyframe_every=16, rng=np.random.default_rng(0),
                     verbose=False)
    return root


@pytest.fixture
def root(clean_root, tmp_path):
    return copy_root(clean_root, tmp_path)


def rewrite_frames(path, **datasets):
    """Replace a recording by one holding ``datasets``."""
    path.unlink()
    with h5py.File(path, 'w') as f:
        for name, value in datasets.items():
            f.create_dataset(name, data=value)


def frames_of(path):
    with h5py.File(path, 'r') as f:
        return np.asarray(f['frames'])


def with_nan(frames):
    frames[5, 10, 20] = np.nan
    return frames


def corrupt(path):
    """Zeros over the compressed frames: the file opens, its chunks do not
    decompress."""
    data = bytearray(path.read_bytes())
    start = len(data) // 3
    data[start:start + 50000] = bytes(50000)
    path.write_bytes(bytes(data))


def frames_group(path):
    """``frames`` an HDF5 group (of per-frame datasets), not a dataset."""
    frames = frames_of(path)
    path.unlink()
    with h5py.File(path, 'w') as f:
        group = f.create_group('frames')
        for i, frame in enumerate(frames[:3]):
            group.create_dataset(str(i), data=frame)


def move_sensor(root, sensor_id, where):
    """Every image of ``sensor_id`` named ``where`` instead; a copy of its
    recording is put there (the file that must not be read)."""
    target = (root / 'frames' / f'{where}.h5').resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((root / 'frames' / f'{sensor_id}.h5').read_bytes())

    def change(data):
        for img in data['images']:
            if img['sensor_id'] == sensor_id:
                img['sensor_id'] = where
    edit_json(root / TRAIN, change)


# defect -> (how to make it, the file and the field the error must name)
DEFECTS = {
    'hdf5 truncated': (lambda r: truncate(r / REC), REC, 'HDF5'),
    'hdf5 corrupt chunks': (lambda r: corrupt(r / REC), REC, '"frames"'),
    'hdf5 empty file': (lambda r: truncate(r / REC, 0), REC, 'HDF5'),
    'hdf5 not hdf5': (lambda r: (r / REC).write_text('frames'), REC, 'HDF5'),
    'hdf5 missing dataset': (lambda r: rewrite_frames(
        r / REC, data=frames_of(r / REC)), REC, '"frames"'),
    'hdf5 wrong shape': (lambda r: rewrite_frames(
        r / REC, frames=frames_of(r / REC)[..., None]), REC, '"frames"'),
    'hdf5 swapped axes': (lambda r: rewrite_frames(
        r / REC, frames=frames_of(r / REC).transpose(1, 2, 0)), REC,
        '"height"'),
    'hdf5 nan': (lambda r: rewrite_frames(
        r / REC, frames=with_nan(frames_of(r / REC))), REC, "'frames'"),
    'hdf5 wrong dtype': (lambda r: rewrite_frames(
        r / REC, frames=np.full((64, 40, 60), b'x')), REC, '"frames"'),
    'hdf5 missing file': (lambda r: (r / REC).unlink(), REC, TRAIN),
    'hdf5 frames a group': (lambda r: frames_group(r / REC), REC,
                            '"frames"'),
    'hdf5 complex': (lambda r: rewrite_frames(
        r / REC, frames=frames_of(r / REC).astype(np.complex64)), REC,
        'complex'),
    'json sensor outside the root': (lambda r: move_sensor(
        r, 'SL90_R1', '../../x/SECRET'), TRAIN, '"sensor_id"'),
    'json sensor absolute path': (lambda r: move_sensor(
        r, 'SL90_R1', str(r.parent / 'abs' / 'SECRET')), TRAIN,
        '"sensor_id"'),
    'json category id text': (lambda r: edit_json(
        r / TRAIN, set_first('categories', 'id', 'abc')), TRAIN,
        '"categories"'),
    'json malformed': (lambda r: truncate(r / TRAIN), TRAIN, 'JSON'),
    'json empty': (lambda r: truncate(r / TRAIN, 0), TRAIN, 'JSON'),
    'json not a list': (lambda r: edit_json(
        r / TRAIN, lambda d: d.update(images={})), TRAIN, '"images"'),
    'json missing key': (lambda r: edit_json(
        r / TRAIN, drop_first('images', 'sensor_id')), TRAIN, '"sensor_id"'),
    'json label type': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'category_id', '3')), TRAIN,
        '"category_id"'),
    'json label out of range': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'category_id', 14)), TRAIN,
        '"category_id"'),
    'json id points nowhere': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'image_id', 'nowhere')), TRAIN,
        '"image_id"'),
    'json frame past the end': (lambda r: edit_json(
        r / TRAIN, set_first('images', 'frame_idx', 640)), TRAIN,
        '"frame_idx"'),
    'json frame index type': (lambda r: edit_json(
        r / TRAIN, set_first('images', 'frame_idx', 2.5)), TRAIN,
        '"frame_idx"'),
    'json empty split': (lambda r: edit_json(
        r / TRAIN, lambda d: d.update(images=[], annotations=[])), TRAIN,
        'no sample'),
    'class mapping malformed': (lambda r: truncate(
        r / 'annotations/class_mapping.json'),
        'annotations/class_mapping.json', 'JSON'),
    'class mapping wrong type': (lambda r: edit_json(
        r / 'annotations/class_mapping.json',
        lambda d: d.update(classes='sitting')),
        'annotations/class_mapping.json', '"classes"'),
}


@pytest.mark.parametrize('defect', DEFECTS)
def test_defect_names_file_and_field(repo_root, root, defect):
    make, file, field = DEFECTS[defect]
    make(root)
    # skip_missing=False: a missing recording is an error, not a warning
    cfg = family_config(repo_root, CFG, root, skip_missing=False)
    assert_refused(cfg, 'train', file, field)


def test_nan_is_refused_when_recordings_are_held_in_memory(repo_root, root):
    DEFECTS['hdf5 nan'][0](root)
    cfg = family_config(repo_root, CFG, root, in_memory=True)
    assert_refused(cfg, 'train', REC, "'frames'")


def test_clean_root_has_no_problem(repo_root, root):
    assert validation_problems(family_config(repo_root, CFG, root)) == []


def test_three_broken_recordings_reported_at_once(repo_root, root):
    truncate(root / 'frames/SL90_R1.h5')
    rewrite_frames(root / 'frames/SL90_R2.h5',
                   data=frames_of(root / 'frames/SL90_R2.h5'))
    rewrite_frames(root / 'frames/SL90_R3.h5', frames=frames_of(
        root / 'frames/SL90_R3.h5').transpose(1, 2, 0))
    problems = validation_problems(family_config(repo_root, CFG, root))
    assert_each_reported(problems, {'frames/SL90_R1.h5': 'HDF5',
                                    'frames/SL90_R2.h5': '"frames"',
                                    'frames/SL90_R3.h5': '"height"'})


def test_an_escaping_sensor_names_its_image(repo_root, root):
    move_sensor(root, 'SL90_R1', '../../x/SECRET')
    with pytest.raises(ValueError) as err:
        read_all(family_config(repo_root, CFG, root).train_dataloader.dataset)
    assert "image 'SL90_R1_" in str(err.value)
    assert "'../../x/SECRET.h5'" in str(err.value)


def test_a_symlinked_recording_inside_the_root_is_read(repo_root, root,
                                                       tmp_path):
    outside = tmp_path / 'disk' / 'SL90_R2.h5'
    outside.parent.mkdir()
    (root / 'frames' / 'SL90_R2.h5').rename(outside)
    (root / 'frames' / 'SL90_R2.h5').symlink_to(outside)
    cfg = family_config(repo_root, CFG, root)
    assert validation_problems(cfg) == []
    read_all(cfg.train_dataloader.dataset)


@pytest.mark.parametrize('scale,offset,cause', [
    (1.0, 273.15, 'looks like Kelvin: subtract 273.15'),
    (100.0, 0.0, 'hundredths of a degree'),
    (1.8, 32.0, 'Fahrenheit'),
])
@pytest.mark.parametrize('in_memory', [False, True])
def test_temperatures_in_another_unit(repo_root, root, scale, offset, cause,
                                      in_memory):
    frames = frames_of(root / REC)
    live = frames > -270  # dead pixels keep the sensor's marker
    frames[live] = frames[live] * scale + offset
    rewrite_frames(root / REC, frames=frames)
    assert_implausible(
        family_config(repo_root, CFG, root, in_memory=in_memory),
        family_config(repo_root, CFG, root, in_memory=in_memory,
                      on_implausible='warn'),
        'train', REC, '"frames"', cause)


def test_a_recording_of_dead_pixels_only_is_refused(repo_root, root):
    """Every pixel -273.2 was rendered as a blank clip and trained on."""
    frames = frames_of(root / REC)
    rewrite_frames(root / REC, frames=np.full_like(frames, -273.2))
    assert_refused(family_config(repo_root, CFG, root), 'train', REC,
                   'every pixel holds the dead-pixel marker')


@pytest.mark.parametrize('edit,cause', [
    (lambda f: np.where(np.arange(f.shape[2]) < 50, np.float32(-273.2), f),
     'hold the dead-pixel marker'),
    (lambda f: np.full_like(f, 20.0), 'every live pixel holds the same'),
], ids=['mostly dead pixels', 'constant image'])
def test_blank_recordings_need_the_opt_out(repo_root, root, edit, cause):
    rewrite_frames(root / REC, frames=edit(frames_of(root / REC)).astype(
        np.float32))
    assert_implausible(
        family_config(repo_root, CFG, root),
        family_config(repo_root, CFG, root, on_implausible='warn'),
        'train', REC, '"frames"', cause)


def test_recordings_of_two_frame_sizes_need_the_opt_out(repo_root, root):
    """A recording stored (N, W, H) in annotations without width / height
    was resized by the pipeline and trained on."""
    import json
    frames = frames_of(root / REC)
    rewrite_frames(root / REC, frames=np.ascontiguousarray(
        frames.transpose(0, 2, 1)))
    data = json.loads((root / TRAIN).read_text())
    for img in data['images']:
        img.pop('width', None)
        img.pop('height', None)
    (root / TRAIN).write_text(json.dumps(data))
    assert_implausible(
        family_config(repo_root, CFG, root),
        family_config(repo_root, CFG, root, on_implausible='warn'),
        'train', TRAIN, 'dataset "frames"', '60 x 40')


def test_a_recording_trimmed_after_annotation_needs_the_opt_out(repo_root,
                                                                root):
    """10 frames cut from the start: every frame_idx still in range, each
    clip 10 frames later than annotated, trained on without a word; the
    images' timestamps tell (they are their frames' in all the real
    annotations)."""
    with h5py.File(root / REC, 'r') as f:
        frames, stamps = f['frames'][10:], f['timestamps'][10:]
    rewrite_frames(root / REC, frames=frames, timestamps=stamps)
    assert_implausible(
        family_config(repo_root, CFG, root),
        family_config(repo_root, CFG, root, on_implausible='warn'),
        'train', TRAIN, '"timestamp"', '-10 frames off')


@pytest.mark.parametrize('in_memory', [False, True])
def test_frames_already_rendered_to_uint8_are_named(repo_root, root,
                                                    in_memory):
    """0-255 grey levels were refused as "Fahrenheit" (their mean)."""
    frames = frames_of(root / REC)
    rewrite_frames(root / REC, frames=np.clip(
        (frames - 5.0) * 255 / 40, 0, 255).astype(np.uint8))
    assert_implausible(
        family_config(repo_root, CFG, root, in_memory=in_memory),
        family_config(repo_root, CFG, root, in_memory=in_memory,
                      on_implausible='warn'),
        'train', REC, '"frames"', 'stored as uint8: looks already rendered')
