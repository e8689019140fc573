"""Bad ava_custom data (JSON annotations and person boxes, mp4 clips, the
predictions CSV), built here in tmp_path: each defect stops the dataset with
an error naming the file and the field, and ``tools/validate_data.py``'s
pass reports it the same way, all defects of a root at once."""

import numpy as np
import pytest
from bad_input import (assert_each_reported, assert_named, assert_refused,
                       copy_root, drop_first, edit_json, family_config,
                       set_first, truncate, validation_problems)

from ftplugin.datasets.formats.ava_clips import clip_path, write_clip
from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv
from ftplugin.testing.synthetic.ava_custom import generate_ava_custom

CFG = 'configs/ava_custom/slowonly_r18_ava_custom_thermal_cpu.py'
TRAIN = 'annotations/train.json'
VAL_BOXES = 'boxes/val_person_bbox.json'
CLIP = 'clips/video_000/1.mp4'


@pytest.fixture(scope='module')
def clean_root(tmp_path_factory):
    """3 videos of 3 one-second clips (2 for training, 1 for validation)."""
    root = tmp_path_factory.mktemp('ava_clean') / 'ava'
    generate_ava_custom(str(root), num_videos=3, num_val_videos=1,
                        seconds=3, seed=0)
    return root


@pytest.fixture
def root(clean_root, tmp_path):
    return copy_root(clean_root, tmp_path)


def other_size_clip(root):
    """A clip of another frame size than its neighbours'."""
    write_clip(clip_path(str(root / 'clips'), 'video_000', 1),
               np.zeros((8, 20, 30, 3), np.uint8), 8)


# defect -> (how to make it, split, the file and the field to be named)
DEFECTS = {
    'json malformed': (lambda r: truncate(r / TRAIN), 'train', TRAIN,
                       'JSON'),
    'json empty': (lambda r: truncate(r / TRAIN, 0), 'train', TRAIN, 'JSON'),
    'json missing file': (lambda r: (r / TRAIN).unlink(), 'train', TRAIN,
                          'not found'),
    'json top level list': (lambda r: (r / TRAIN).write_text('[]'), 'train',
                            TRAIN, 'object'),
    'json images not a list': (lambda r: edit_json(
        r / TRAIN, lambda d: d.update(images={})), 'train', TRAIN,
        '"images"'),
    'json no categories': (lambda r: edit_json(
        r / TRAIN, lambda d: d.pop('categories')), 'train', TRAIN,
        '"categories"'),
    'json image without id': (lambda r: edit_json(
        r / TRAIN, drop_first('images', 'id')), 'train', TRAIN, '"id"'),
    'json image without key': (lambda r: edit_json(
        r / TRAIN, drop_first('images', 'file_name')), 'train', TRAIN,
        '"file_name"'),
    'json width type': (lambda r: edit_json(
        r / TRAIN, set_first('images', 'width', '60')), 'train', TRAIN,
        '"width"'),
    'json id points nowhere': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'image_id', 99)), 'train', TRAIN,
        '"image_id"'),
    'json label type': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'category_id', '1')), 'train',
        TRAIN, '"category_id"'),
    'json label bool': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'category_id', True)), 'train',
        TRAIN, '"category_id"'),
    'json label unknown': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'category_id', 9)), 'train', TRAIN,
        '"category_id"'),
    'json no label': (lambda r: edit_json(
        r / TRAIN, drop_first('annotations', 'category_id')), 'train', TRAIN,
        '"category_id"'),
    'json bbox short': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'bbox', [1, 2, 3])), 'train',
        TRAIN, '"bbox"'),
    'json bbox nan': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'bbox', [1, 2, float('nan'), 4])),
        'train', TRAIN, '"bbox"'),
    'json bbox empty': (lambda r: edit_json(
        r / TRAIN, set_first('annotations', 'bbox', [1, 2, 0, 4])), 'train',
        TRAIN, '"bbox"'),
    'json empty split': (lambda r: edit_json(
        r / TRAIN, lambda d: d.update(images=[], annotations=[])), 'train',
        TRAIN, 'no sample'),
    'clip missing': (lambda r: (r / CLIP).unlink(), 'train', TRAIN,
                     CLIP),
    'clip not a video': (lambda r: (r / CLIP).write_bytes(b'\0' * 100),
                         'train', CLIP, 'decoded'),
    'clip empty': (lambda r: truncate(r / CLIP, 0), 'train', CLIP,
                   'decoded'),
    'clip other frame size': (other_size_clip, 'train', 'video_000',
                              'frame size'),
    'boxes malformed': (lambda r: truncate(r / VAL_BOXES), 'val', VAL_BOXES,
                        'JSON'),
    'boxes not a list': (lambda r: (r / VAL_BOXES).write_text('{}'), 'val',
                         VAL_BOXES, 'list'),
    'boxes id points nowhere': (lambda r: edit_json(
        r / VAL_BOXES, set_first(None, 'image_id', 99)), 'val', VAL_BOXES,
        '"image_id"'),
    'boxes score type': (lambda r: edit_json(
        r / VAL_BOXES, set_first(None, 'score', 'high')), 'val', VAL_BOXES,
        '"score"'),
    'boxes bbox nan': (lambda r: edit_json(
        r / VAL_BOXES, set_first(None, 'bbox', [1, 2, 3, float('inf')])),
        'val', VAL_BOXES, '"bbox"'),
}


@pytest.mark.parametrize('defect', DEFECTS)
def test_defect_names_file_and_field(repo_root, root, defect):
    make, split, file, field = DEFECTS[defect]
    make(root)
    assert_refused(family_config(repo_root, CFG, root), split, file, field)


def test_clean_root_has_no_problem(repo_root, root):
    assert validation_problems(family_config(repo_root, CFG, root),
                               ('train', 'val')) == []


def test_three_broken_clips_reported_at_once(repo_root, root):
    (root / 'clips/video_000/0.mp4').write_bytes(b'\0' * 100)
    truncate(root / 'clips/video_001/2.mp4', 0)
    (root / 'clips/video_001/0.mp4').write_text('not a video')
    problems = validation_problems(family_config(repo_root, CFG, root))
    assert_each_reported(problems, {
        f'clips/{clip}.mp4': 'decoded'
        for clip in ('video_000/0', 'video_001/2', 'video_001/0')})


@pytest.mark.parametrize('line,field', [
    ('video_000,1,0.1,0.2,0.3,0.4,1', 'fields'),
    ('video_000,one,0.1,0.2,0.3,0.4,1,0.9', "'timestamp'"),
    ('video_000,1,0.1,0.2,0.3,0.4,walk,0.9', "'action_id'"),
    ('video_000,1,0.1,0.2,0.3,0.4,1,', "'score'"),
])
def test_bad_predictions_csv_line(tmp_path, line, field):
    path = tmp_path / 'predictions.csv'
    path.write_text(f'video_000,0,0.1,0.2,0.3,0.4,2,0.5\n{line}\n')
    with pytest.raises(ValueError) as err:
        read_predictions_csv(str(path))
    assert_named(str(err.value), str(path), field)
    assert 'line 2' in str(err.value)
