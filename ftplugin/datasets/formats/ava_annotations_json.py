"""AVA-style custom data in AlphAction's layout: read and write its files.

Shared by :class:`AVACustomDataset`, the frame-mAP metric and the data tools
of ``tools/data/ava_custom/`` (converter, generator), so that all of them
agree on one format::

    <data_root>/clips/<video>/<timestamp>.mp4      one clip per second
    <data_root>/keyframes/<video>/<timestamp>.jpg  the first frame of it
    <data_root>/annotations/{train,val}.json       COCO-style, see below
    <data_root>/boxes/{train,val}_person_bbox.json person detections

Annotation JSON: ``images[]`` with ``id``, ``width``, ``height`` and either
``file_name`` ``"<video>/<timestamp>.jpg"`` (the AlphAction guide's dialect)
or ``movie`` + ``timestamp`` (AlphAction's own files); ``annotations[]``
with ``image_id``, ``bbox`` ``[x, y, w, h]`` in keyframe pixels and either
``category_id`` (one action) or ``action_ids`` (a list), plus ``person_id``
or ``object_id`` where known; ``categories[]`` with ``id`` and ``name``.
Class ids may be any integers: they are mapped to 0..K-1 in ``categories``
order. Several annotations of one person at one keyframe (the same
``person_id``/``object_id``, or else the same box) form one multi-label
target.

Box file: a list of ``{"image_id", "bbox": [x, y, w, h], "score"}``.

Predictions CSV (AlphAction's): ``video,timestamp,x1,y1,x2,y2,action_id,
score`` with coordinates normalised to [0, 1] and the original class id.
"""
import math
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .checks import check_inside_root, implausible, load_json  # noqa: F401 (re-exported)

# boxes may overrun their image by this fraction of it (+ 1 pixel)
BOX_MARGIN = 0.02
from ...utils.atomic_io import atomic_write_json


def dump_json(data: object, path: str) -> None:
    """Write ``data`` as JSON, creating the folder."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    atomic_write_json(path, data)


def image_key(img: dict, path: str, index: int) -> Tuple[str, int]:
    """``(video, timestamp)`` of an annotation-file image, either dialect."""
    where = f'{path}: images[{index}] (id {img.get("id")!r})'
    if 'file_name' in img:
        name = str(img['file_name'])
        video, sep, stem = name.rpartition('/')
        stem = osp.splitext(stem)[0]
        if not sep or not video or not stem.lstrip('-').isdigit():
            raise ValueError(f'{where} field "file_name" must be '
                             f'"<video>/<integer second>.jpg", got {name!r}')
        return video, int(stem)
    if 'movie' in img and 'timestamp' in img:
        ts = img['timestamp']
        if isinstance(ts, bool) or not isinstance(ts, (int, str)) or \
                not str(ts).lstrip('-').isdigit():
            raise ValueError(f'{where} field "timestamp" must be an integer '
                             f'second, got {ts!r}')
        return str(img['movie']), int(ts)
    raise ValueError(f'{where} needs "file_name" ("<video>/<second>.jpg") '
                     f'or "movie" + "timestamp"')


def xywh_to_xyxy(bbox: Sequence[float], where: str) -> List[float]:
    """``[x, y, w, h]`` -> ``[x1, y1, x2, y2]``; errors name ``where``."""
    if (not isinstance(bbox, (list, tuple)) or len(bbox) != 4 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool)
            for v in bbox)):
        raise ValueError(f'{where} field "bbox" must be [x, y, w, h] '
                         f'numbers, got {bbox!r}')
    x, y, w, h = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise ValueError(f'{where} field "bbox" holds NaN/Inf: {bbox!r}')
    if w <= 0 or h <= 0:
        raise ValueError(f'{where} field "bbox" has width/height <= 0: '
                         f'{bbox!r}')
    return [x, y, x + w, y + h]


def load_categories(data: dict, path: str) -> Tuple[List[int], List[str]]:
    """Original ids and names of ``categories``, in file order."""
    cats = data.get('categories')
    if not isinstance(cats, list) or not cats:
        raise ValueError(f'{path}: field "categories" must be a non-empty '
                         f'list of {{"id", "name"}}')
    ids, names = [], []
    for i, cat in enumerate(cats):
        if not isinstance(cat, dict) or 'id' not in cat or 'name' not in cat:
            raise ValueError(f'{path}: categories[{i}] needs "id" and '
                             f'"name", got {cat!r}')
        if isinstance(cat['id'], bool) or not isinstance(
                cat['id'], (int, str)) or not str(cat['id']).lstrip(
                    '-').isdigit():
            raise ValueError(f'{path}: categories[{i}] field "id" must be an '
                             f'integer, got {cat["id"]!r}')
        ids.append(int(cat['id']))
        names.append(str(cat['name']))
    if len(set(ids)) != len(ids):
        raise ValueError(f'{path}: field "categories" repeats an id: {ids}')
    return ids, names


def check_box_layout(path: str, entries: Sequence[str], boxes: np.ndarray,
                     sizes: np.ndarray, on_implausible: str = 'error'
                     ) -> None:
    """Refuse boxes that are not ``[x, y, w, h]`` in the pixels of their
    image: normalised to 0-1, ``[x1, y1, x2, y2]`` corners, or outside the
    image.

    Args:
        path (str): The annotation or box file.
        entries (Sequence[str]): Each box's entry, e.g. ``annotations[3]``.
        boxes (np.ndarray): (n, 4) ``bbox`` values as in the file.
        sizes (np.ndarray): (n, 2) width and height of each box's image.
        on_implausible (str): ``'error'`` or ``'warn'``.
    """
    if not len(boxes):
        return
    if boxes.max() <= 1.5 and sizes.min() > 2:
        implausible(
            f'{path}: field "bbox" of all {len(boxes)} boxes lies within '
            f'[0, {boxes.max():.3g}]: they look normalised to 0-1, and the '
            f'format wants [x, y, w, h] in pixels of the image (multiply x '
            f'and w by its "width", y and h by its "height")',
            on_implausible)
        return
    x, y, w, h = boxes.T
    width, height = sizes.T
    slack_x, slack_y = 1 + BOX_MARGIN * width, 1 + BOX_MARGIN * height
    outside = ((x < -slack_x) | (y < -slack_y) | (x + w > width + slack_x)
               | (y + h > height + slack_y))
    if not outside.any():
        return
    # read as corners, the third and fourth values would fit the image
    corners = ((w > x) & (h > y) & (w <= width + slack_x)
               & (h <= height + slack_y))
    cause = ('they look like [x1, y1, x2, y2] corners: write [x, y, w, h] '
             '(w = x2 - x1, h = y2 - y1)' if corners.all() else
             'drawn on an image of another size than its "width" and '
             '"height", or not in pixels?')
    i = int(np.flatnonzero(outside)[0])
    implausible(
        f'{path}: {entries[i]} field "bbox" {boxes[i].tolist()} reaches '
        f'outside its {width[i]:g}x{height[i]:g} image (its fields "width",'
        f' "height"), as do {int(outside.sum())} of {len(boxes)} boxes: '
        f'{cause}', on_implausible)


def load_ava_annotations(ann_file: str,
                         category_ids: Optional[Sequence[int]] = None,
                         root: Optional[str] = None,
                         on_implausible: Optional[str] = None) -> dict:
    """Read an annotation file; merge each person's labels per keyframe.

    Args:
        ann_file (str): COCO-style JSON in either dialect.
        category_ids (Sequence[int], optional): Original class ids in index
            order (e.g. the training file's); this file's ``categories``
            must hold the same. Defaults to this file's.
        root (str, optional): The folder the videos are read from (the
            clips): a ``file_name`` or ``movie`` that leads out of it is an
            error naming the image. Defaults to None (not checked).
        on_implausible (str, optional): Check the boxes' layout
            (:func:`check_box_layout`) with this mode. Defaults to None
            (not checked).

    Returns:
        dict: ``classes`` (names), ``category_ids`` (original ids, index
        order), ``samples`` (one per image, file order: ``image_id``,
        ``video``, ``timestamp``, ``width``, ``height``, ``gt_bboxes``
        float32 (n, 4) x1y1x2y2 keyframe pixels, ``gt_labels`` float32
        (n, K) multi-hot, ``person_ids``).
    """
    data = load_json(ann_file)
    if not isinstance(data, dict):
        raise ValueError(f'{ann_file}: expected a JSON object at the top '
                         f'level')
    for key in ('images', 'annotations'):
        if not isinstance(data.get(key), list):
            raise ValueError(f'{ann_file}: field "{key}" must be a list')
    ids, names = load_categories(data, ann_file)
    if category_ids is not None and list(category_ids) != ids:
        raise ValueError(f'{ann_file}: field "categories" ids {ids} differ '
                         f'from the training classes {list(category_ids)}')
    index = {c: i for i, c in enumerate(ids)}
    num_classes = len(ids)

    images: Dict[object, dict] = OrderedDict()
    keys = {}
    for i, img in enumerate(data['images']):
        if not isinstance(img, dict) or 'id' not in img:
            raise ValueError(f'{ann_file}: images[{i}] has no field "id"')
        if img['id'] in images:
            raise ValueError(f'{ann_file}: images[{i}] repeats id '
                             f'{img["id"]!r} (field "id")')
        video, ts = image_key(img, ann_file, i)
        if root is not None:
            field = 'file_name' if 'file_name' in img else 'movie'
            check_inside_root(
                str(img[field]), f'{ann_file}: images[{i}] (id '
                f'{img["id"]!r})', field, root)
        if (video, ts) in keys:
            raise ValueError(f'{ann_file}: images[{i}] and images['
                             f'{keys[(video, ts)]}] are both {video}/{ts}')
        keys[(video, ts)] = i
        for field in ('width', 'height'):
            v = img.get(field)
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise ValueError(f'{ann_file}: images[{i}] field "{field}" '
                                 f'must be a positive integer, got {v!r}')
        images[img['id']] = dict(
            image_id=img['id'], video=video, timestamp=ts,
            width=img['width'], height=img['height'], persons=OrderedDict())

    raw_boxes, sizes, entries = [], [], []
    for i, ann in enumerate(data['annotations']):
        where = f'{ann_file}: annotations[{i}]'
        if not isinstance(ann, dict) or ann.get('image_id') not in images:
            raise ValueError(f'{where} field "image_id" '
                             f'{ann.get("image_id")!r} is not in "images"'
                             if isinstance(ann, dict) else
                             f'{where} must be an object')
        if 'action_ids' in ann:
            actions = ann['action_ids']
            if not isinstance(actions, list):
                actions = [actions]
            field = 'action_ids'
        elif 'category_id' in ann:
            actions, field = [ann['category_id']], 'category_id'
        else:
            raise ValueError(f'{where} needs "category_id" or "action_ids"')
        for a in actions:
            # True == 1 as a dict key: a boolean would pass for class id 1
            if isinstance(a, bool) or a not in index:
                raise ValueError(f'{where} field "{field}" holds {a!r}, not '
                                 f'an id of "categories" {ids}')
        box = xywh_to_xyxy(ann.get('bbox'), where)
        image = images[ann['image_id']]
        raw_boxes.append(ann['bbox'])
        sizes.append((image['width'], image['height']))
        entries.append(f'annotations[{i}]')
        person = ann.get('person_id', ann.get('object_id'))
        # one person, one target: by its id, else by its box
        key = ('id', person) if person is not None else (
            'box', tuple(round(v, 3) for v in box))
        persons = images[ann['image_id']]['persons']
        entry = persons.setdefault(key, dict(box=box, labels=set(),
                                             person_id=person))
        entry['labels'].update(index[a] for a in actions)

    if on_implausible is not None:
        check_box_layout(ann_file, entries,
                         np.array(raw_boxes, np.float64).reshape(-1, 4),
                         np.array(sizes, np.float64).reshape(-1, 2),
                         on_implausible)
    samples = []
    for img in images.values():
        persons = list(img.pop('persons').values())
        labels = np.zeros((len(persons), num_classes), dtype=np.float32)
        for row, p in enumerate(persons):
            labels[row, sorted(p['labels'])] = 1.0
        img.update(
            gt_bboxes=np.array([p['box'] for p in persons],
                               dtype=np.float32).reshape(-1, 4),
            gt_labels=labels,
            person_ids=[p['person_id'] for p in persons])
        samples.append(img)
    return dict(classes=names, category_ids=ids, samples=samples)
