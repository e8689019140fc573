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
import csv
import json
import math
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

CLIP_EXT = '.mp4'
KEYFRAME_EXT = '.jpg'
CSV_FIELDS = ('video', 'timestamp', 'x1', 'y1', 'x2', 'y2', 'action_id',
              'score')
CSV_TYPES = (str, int, float, float, float, float, int, float)


def load_json(path: str) -> object:
    """JSON of ``path``; errors name the file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: file not found')
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{path}: not valid JSON ({e})') from e


def dump_json(data: object, path: str) -> None:
    """Write ``data`` as JSON, creating the folder."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(data, f)


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
        ids.append(int(cat['id']))
        names.append(str(cat['name']))
    if len(set(ids)) != len(ids):
        raise ValueError(f'{path}: field "categories" repeats an id: {ids}')
    return ids, names


def load_ava_annotations(ann_file: str,
                         category_ids: Optional[Sequence[int]] = None
                         ) -> dict:
    """Read an annotation file; merge each person's labels per keyframe.

    Args:
        ann_file (str): COCO-style JSON in either dialect.
        category_ids (Sequence[int], optional): Original class ids in index
            order (e.g. the training file's); this file's ``categories``
            must hold the same. Defaults to this file's.

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
        person = ann.get('person_id', ann.get('object_id'))
        # one person, one target: by its id, else by its box
        key = ('id', person) if person is not None else (
            'box', tuple(round(v, 3) for v in box))
        persons = images[ann['image_id']]['persons']
        entry = persons.setdefault(key, dict(box=box, labels=set(),
                                             person_id=person))
        entry['labels'].update(index[a] for a in actions)

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


def load_person_boxes(box_file: str, image_ids: Iterable,
                      score_thr: float = 0.0
                      ) -> Dict[object, Tuple[np.ndarray, np.ndarray]]:
    """Person detections per image, at or above ``score_thr``.

    Args:
        box_file (str): JSON list of ``{image_id, bbox: [x, y, w, h],
            score}``.
        image_ids (Iterable): The annotation file's image ids; a box of
            another image is an error.
        score_thr (float): Boxes scored below are dropped (AlphAction's
            ``TEST.BOX_THRESH``).

    Returns:
        dict: ``image_id -> (boxes float32 (n, 4) x1y1x2y2, scores (n,))``;
        images without boxes are absent.
    """
    data = load_json(box_file)
    if not isinstance(data, list):
        raise ValueError(f'{box_file}: expected a JSON list of '
                         f'{{"image_id", "bbox", "score"}}')
    known = set(image_ids)
    found: Dict[object, List[Tuple[List[float], float]]] = {}
    for i, det in enumerate(data):
        where = f'{box_file}: [{i}]'
        if not isinstance(det, dict):
            raise ValueError(f'{where} must be an object, got {det!r}')
        if det.get('image_id') not in known:
            raise ValueError(f'{where} field "image_id" '
                             f'{det.get("image_id")!r} is not an image of '
                             f'the annotation file')
        score = det.get('score', 1.0)
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise ValueError(f'{where} field "score" must be a number, got '
                             f'{score!r}')
        box = xywh_to_xyxy(det.get('bbox'), where)
        if score >= score_thr:
            found.setdefault(det['image_id'], []).append((box, float(score)))
    return {k: (np.array([b for b, _ in v], dtype=np.float32),
                np.array([s for _, s in v], dtype=np.float32))
            for k, v in found.items()}


def clip_path(clips_dir: str, video: str, timestamp: int) -> str:
    """The one-second clip of ``video`` starting at ``timestamp``."""
    return osp.join(clips_dir, video, f'{timestamp}{CLIP_EXT}')


def keyframe_path(keyframes_dir: str, video: str, timestamp: int) -> str:
    """The keyframe image of ``video`` at ``timestamp``."""
    return osp.join(keyframes_dir, video, f'{timestamp}{KEYFRAME_EXT}')


def list_clips(clips_dir: str, video: str) -> List[int]:
    """Sorted timestamps of the clips of ``video`` present on disk."""
    folder = osp.join(clips_dir, video)
    if not osp.isdir(folder):
        return []
    out = []
    for name in os.listdir(folder):
        stem, ext = osp.splitext(name)
        if ext == CLIP_EXT and stem.lstrip('-').isdigit():
            out.append(int(stem))
    return sorted(out)


def read_clip(path: str) -> np.ndarray:
    """All frames of a video file, uint8 (T, H, W, 3) RGB.

    Decodes with decord where it is installed and copes (it fails on some
    frame widths), else with OpenCV; a file that is absent or yields no
    frame is an error naming it.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: clip not found')
    frames, error = None, None
    try:
        import decord
        reader = decord.VideoReader(path, num_threads=1)
        frames = reader.get_batch(list(range(len(reader)))).asnumpy()
    except ImportError:
        pass
    except Exception as e:  # decord's own DECORDError; OpenCV may cope
        error = e
    if frames is None:
        import cv2
        cap = cv2.VideoCapture(path)
        out = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            out.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        cap.release()
        frames = np.stack(out) if out else None
    if frames is None or len(frames) == 0:
        raise IOError(f'{path}: cannot be decoded (no frame'
                      + (f'; decord: {error}' if error else '') + ')')
    return frames


def write_clip(path: str, frames: np.ndarray, fps: float) -> None:
    """Write uint8 (T, H, W, 3) RGB frames as an mp4 (MPEG-4 part 2)."""
    import cv2
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise IOError(f'{path}: OpenCV cannot write mp4 here')
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()


def write_keyframe(path: str, frame: np.ndarray) -> None:
    """Write one uint8 (H, W, 3) RGB frame as a JPEG."""
    import cv2
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    if not cv2.imwrite(path, cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)):
        raise IOError(f'{path}: cannot be written')


def frame_positions(timestamp: int, frame_num: int, sample_rate: int,
                    clip_length, first: int, last: int
                    ) -> List[Tuple[int, int]]:
    """Where each frame of a sample lies: ``(clip timestamp, frame index)``.

    The sample is ``frame_num`` frames ``sample_rate`` apart centred on the
    keyframe (frame 0 of clip ``timestamp``): offsets ``(k - frame_num //
    2) * sample_rate``. As in AlphAction, frames left of the keyframe come
    from clips ``timestamp - 1``, ``timestamp - 2``, ..., frames right of it
    from ``timestamp``, ``timestamp + 1``, ...; past the video's first /
    last clip the edge frame is repeated.

    Args:
        timestamp (int): The keyframe's second.
        frame_num (int): Frames per sample.
        sample_rate (int): Step between them, in frames.
        clip_length (Callable[[int], int]): Frames of the clip at a second
            (clips may differ in length).
        first (int): The video's first clip second.
        last (int): Its last clip second.
    """
    out = []
    for k in range(frame_num):
        ts, i = timestamp, (k - frame_num // 2) * sample_rate
        while i < 0 and ts > first:
            ts -= 1
            i += clip_length(ts)
        i = max(i, 0)
        while i >= clip_length(ts) and ts < last:
            i -= clip_length(ts)
            ts += 1
        out.append((ts, min(i, clip_length(ts) - 1)))
    return out


def write_predictions_csv(path: str, rows: Iterable[Sequence]) -> int:
    """Write AlphAction's predictions CSV; return the number of rows.

    Args:
        path (str): Output file (no header, as AlphAction's).
        rows (Iterable[Sequence]): ``(video, timestamp, x1, y1, x2, y2,
            action_id, score)`` with coordinates in [0, 1].
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    count = 0
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        for video, ts, x1, y1, x2, y2, action, score in rows:
            writer.writerow([video, int(ts)] + [
                f'{min(max(float(v), 0.0), 1.0):.4f}'
                for v in (x1, y1, x2, y2)] + [int(action),
                                              f'{float(score):.6f}'])
            count += 1
    return count


def read_predictions_csv(path: str) -> List[tuple]:
    """Rows of a predictions CSV, typed: ``(video, ts, x1, y1, x2, y2,
    action_id, score)``."""
    out = []
    with open(path, newline='') as f:
        for i, row in enumerate(csv.reader(f)):
            if len(row) != len(CSV_FIELDS):
                raise ValueError(f'{path}: line {i + 1} has {len(row)} '
                                 f'fields, expected {CSV_FIELDS}')
            values = []
            for name, kind, value in zip(CSV_FIELDS, CSV_TYPES, row):
                try:
                    values.append(kind(value))
                except ValueError:
                    raise ValueError(
                        f'{path}: line {i + 1} field {name!r} is {value!r}, '
                        f'expected {kind.__name__}') from None
            out.append(tuple(values))
    return out
