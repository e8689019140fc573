"""Bad ava_custom data (JSON annotations and person boxes, mp4 clips, the
predictions CSV), built here in tmp_path: each defect stops the dataset with
an error naming the file and the field, and ``tools/validate_data.py``'s
pass reports it the same way, all defects of a root at once."""

import numpy as np
import pytest
from bad_input import (assert_each_reported, assert_implausible,
                       assert_named, assert_refused, copy_root, drop_first,
                       edit_json, family_config, read_all, set_first,
                       truncate, validation_problems)

from ftplugin.datasets.formats.ava_clips import clip_path, write_clip
from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv
from ftplugin.testing.synthetic.ava_custom import generate_ava_custom

CFG = 'configs/ava_custom/slowonly_tiny_ava_custom_thermal.py'
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


def escape(root, field, value):
    """The first image read from ``value`` (a copy of its clip put there, the
    file that must not be read)."""
    outside = root.parent / 'elsewhere'
    outside.mkdir(exist_ok=True)
    (outside / '0.mp4').write_bytes((root / 'clips/video_000/0.mp4')
                                    .read_bytes())

    def change(data):
        img = data['images'][0]
        img.pop('file_name', None)
        if field == 'movie':
            img.update(movie=value, timestamp=0)
        else:
            img['file_name'] = value
    edit_json(root / TRAIN, change)


# defect -> (how to make it, split, the file and the field to be named)
DEFECTS = {
    'json category id text': (lambda r: edit_json(
        r / TRAIN, set_first('categories', 'id', 'abc')), 'train', TRAIN,
        '"id"'),
    'json file_name outside the root': (lambda r: escape(
        r, 'file_name', '../../elsewhere/0.jpg'), 'train', TRAIN,
        '"file_name"'),
    'json movie outside the root': (lambda r: escape(
        r, 'movie', '../../elsewhere'), 'train', TRAIN, '"movie"'),
    'json absolute file_name': (lambda r: escape(
        r, 'file_name', f'{r.parent}/elsewhere/0.jpg'), 'train', TRAIN,
        '"file_name"'),
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


def test_a_symlinked_video_inside_the_root_is_read(repo_root, root,
                                                   tmp_path):
    outside = tmp_path / 'disk' / 'video_001'
    outside.parent.mkdir()
    (root / 'clips' / 'video_001').rename(outside)
    (root / 'clips' / 'video_001').symlink_to(outside,
                                              target_is_directory=True)
    cfg = family_config(repo_root, CFG, root)
    assert validation_problems(cfg) == []
    read_all(cfg.train_dataloader.dataset)


def map_boxes(change):
    """``change(bbox, image)`` applied to every annotation's box."""
    def edit(data):
        images = {img['id']: img for img in data['images']}
        for ann in data['annotations']:
            ann['bbox'] = change(ann['bbox'], images[ann['image_id']])
    return edit


def corners(bbox, image):
    x, y, w, h = bbox
    return [x, y, x + w, y + h]


def normalised(bbox, image):
    x, y, w, h = bbox
    return [x / image['width'], y / image['height'], w / image['width'],
            h / image['height']]


def shifted(bbox, image):
    x, y, w, h = bbox
    return [x + image['width'], y, w, h]


def wide_images(data):
    """Every image said to be 120 x 40 (3:1): the clips are 60 x 40."""
    for img in data['images']:
        img['width'] = 120


# defect -> (how to make it, split, file, field, cause)
IMPLAUSIBLE = {
    'bbox as corners': (lambda r: edit_json(r / TRAIN, map_boxes(corners)),
                        'train', TRAIN, '"bbox"', '[x1, y1, x2, y2]'),
    'bbox normalised': (lambda r: edit_json(r / TRAIN, map_boxes(
        normalised)), 'train', TRAIN, '"bbox"', 'normalised to 0-1'),
    'bbox outside the image': (lambda r: edit_json(r / TRAIN, map_boxes(
        shifted)), 'train', TRAIN, '"bbox"', 'reaches outside'),
    'box file normalised': (lambda r: edit_json(r / VAL_BOXES, lambda d: [
        det.update(bbox=[v / 60 for v in det['bbox']]) for det in d]),
        'val', VAL_BOXES, '"bbox"', 'normalised to 0-1'),
    'images of another aspect than the clips': (lambda r: edit_json(
        r / TRAIN, wide_images), 'train', TRAIN, '"width"',
        'another aspect ratio'),
    # kept whatever box_score_thr (the scores are probabilities)
    'box scores in percent': (lambda r: edit_json(r / VAL_BOXES, lambda d: [
        det.update(score=det['score'] * 100) for det in d]), 'val',
        VAL_BOXES, '"score"', 'looks like percent'),
    'box scores missing': (lambda r: edit_json(r / VAL_BOXES, lambda d: [
        det.pop('score') for det in d]), 'val', VAL_BOXES, '"score"',
        'read as 1.0'),
}


def test_a_box_file_without_a_box_above_the_threshold(repo_root, root):
    """Every detection below box_score_thr: tools/test.py crashed in the
    metric (bare reshape error), inference gave no record and exit 0."""
    edit_json(root / VAL_BOXES,
              lambda d: [det.update(score=0.5) for det in d])
    assert_refused(family_config(repo_root, CFG, root), 'val', VAL_BOXES,
                   'box_score_thr=0.8')


@pytest.mark.parametrize('defect', IMPLAUSIBLE)
def test_boxes_and_sizes_need_the_opt_out(repo_root, root, defect):
    make, split, file, field, cause = IMPLAUSIBLE[defect]
    make(root)
    assert_implausible(
        family_config(repo_root, CFG, root),
        family_config(repo_root, CFG, root, on_implausible='warn'),
        split, file, field, cause)
