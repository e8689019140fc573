"""Convert the thermal action dataset into the ``ava_custom`` layout.

Used by ``tools/data/ava_custom/thermal_to_ava.py``. The thermal dataset
(``frames/<sensor_id>.h5`` in degrees Celsius at about 6 irregular frames
per second, COCO-style ``annotations/{train,val}.json`` with per-person
boxes in normalised centre format) becomes:

- ``clips/<sensor_id>/<s>.mp4``: second ``s`` of the recording (from its
  first frame) resampled to ``fps`` frames (nearest recorded frame to each
  time ``s + k / fps``), rendered to 8-bit grey with the thermal family's
  clipping range (:func:`render_uint8`), 60x40 pixels;
- ``keyframes/<sensor_id>/<s>.jpg``: frame 0 of that clip, for each
  annotated second;
- ``annotations/{train,val}.json`` in the guide's dialect (``file_name``
  ``<sensor_id>/<s>.jpg``, ``category_id``, ``object_id``, pixel
  ``[x, y, w, h]`` boxes); an annotated frame goes to the nearest second;
  where several annotated frames of one split fall on one second, the
  nearest to it is kept and the others are counted in the report;
- ``boxes/{train,val}_person_bbox.json``: the ground-truth boxes, score 1.0
  (optionally jittered like a detector's);
- ``conversion_report.json``: what was converted, skipped and dropped.

Recordings named by the annotations but absent (the public copy lacks
``SL06_R1.h5`` and ``SL06_R2.h5``) are reported and skipped.
"""
import os.path as osp
from collections import defaultdict
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.logging import print_log
from mmengine.utils import track_iter_progress

from ..formats.ava_clips import (clip_path, keyframe_path, write_clip, write_keyframe)
from ..formats.ava_annotations_json import dump_json, load_json
from ..formats.thermal_hdf5 import render_uint8


def resample_seconds(timestamps_ms: np.ndarray, fps: int) -> np.ndarray:
    """Frame index (seconds, fps) nearest to each time ``s + k / fps``."""
    t0 = timestamps_ms[0]
    seconds = int(np.ceil((timestamps_ms[-1] - t0) / 1000.0)) or 1
    targets = t0 + (np.arange(seconds * fps) * 1000.0 / fps)
    right = np.clip(np.searchsorted(timestamps_ms, targets), 1,
                    len(timestamps_ms) - 1)
    left = right - 1
    nearer_left = (targets - timestamps_ms[left]) <= (
        timestamps_ms[right] - targets)
    index = np.where(nearer_left, left, right)
    if len(timestamps_ms) == 1:
        index = np.zeros_like(index)
    return index.reshape(seconds, fps)


def _pixel_box(bbox: Sequence[float], width: int, height: int,
               where: str) -> list:
    """Normalised centre ``[cx, cy, w, h]`` -> pixel ``[x, y, w, h]``."""
    if not isinstance(bbox, (list, tuple)) or len(bbox) != 4:
        raise ValueError(f'{where} field "bbox" must be [cx, cy, w, h], got '
                         f'{bbox!r}')
    cx, cy, w, h = (float(v) for v in bbox)
    x1 = max((cx - w / 2) * width, 0.0)
    y1 = max((cy - h / 2) * height, 0.0)
    x2 = min((cx + w / 2) * width, float(width))
    y2 = min((cy + h / 2) * height, float(height))
    if x2 - x1 <= 0 or y2 - y1 <= 0:
        raise ValueError(f'{where} field "bbox" {bbox!r} is empty inside the '
                         f'{width}x{height} frame')
    return [round(x1, 3), round(y1, 3), round(x2 - x1, 3), round(y2 - y1, 3)]


def jitter_boxes(boxes: list, rng: np.random.Generator, amount: float,
                 width: int, height: int) -> list:
    """Move each edge of ``[x, y, w, h]`` boxes by up to ``amount`` x size."""
    out = []
    for x, y, w, h in boxes:
        dx1, dy1, dx2, dy2 = rng.uniform(-amount, amount, 4) * [w, h, w, h]
        x1, y1 = max(x + dx1, 0.0), max(y + dy1, 0.0)
        x2, y2 = min(x + w + dx2, width), min(y + h + dy2, height)
        out.append([round(x1, 3), round(y1, 3), round(x2 - x1, 3),
                    round(y2 - y1, 3)] if x2 > x1 and y2 > y1 else
                   [x, y, w, h])
    return out


def convert_thermal(src: str, out: str,
                    ann_files: Optional[Dict[str, str]] = None,
                    fps: int = 6,
                    temp_range: Sequence[float] = (5.0, 45.0),
                    box_jitter: float = 0.0,
                    seed: int = 0) -> dict:
    """Write the ``ava_custom`` layout of the thermal dataset ``src``.

    Args:
        src (str): The thermal dataset (``frames/``, ``annotations/``).
        out (str): Output data root.
        ann_files (dict, optional): ``{'train': F, 'val': F}`` annotation
            files (any split of the same annotations). Defaults to
            ``src/annotations/{train,val}.json``.
        fps (int): Frames per one-second clip. Defaults to 6 (the
            recordings' mean rate).
        temp_range (Sequence[float]): Clipping range in degrees Celsius
            (the thermal family's). Defaults to (5, 45).
        box_jitter (float): Jitter of the person boxes written to the box
            files, as a fraction of box size (0: the exact ground truth).
        seed (int): Seed of the jitter.

    Returns:
        dict: The conversion report (also written to
        ``out/conversion_report.json``).
    """
    import h5py
    ann_files = ann_files or {
        s: osp.join(src, 'annotations', f'{s}.json') for s in ('train',
                                                              'val')}
    data = {split: load_json(path) for split, path in ann_files.items()}
    for split, d in data.items():
        for key in ('images', 'annotations', 'categories'):
            if not isinstance(d, dict) or not isinstance(d.get(key), list):
                raise ValueError(f'{ann_files[split]}: field "{key}" must be '
                                 f'a list')
    categories = next(iter(data.values()))['categories']
    sensors = sorted({str(img['sensor_id']) for d in data.values()
                      for img in d['images']})
    frames_dir = osp.join(src, 'frames')
    missing = {}
    for sensor in sensors:
        if not osp.isfile(osp.join(frames_dir, f'{sensor}.h5')):
            missing[sensor] = {split: sum(
                str(img['sensor_id']) == sensor for img in d['images'])
                for split, d in data.items()}
    if missing:
        print_log('thermal_to_ava: recordings missing, their images are '
                  'skipped: ' + ', '.join(
                      f'{s}.h5 ({n})' for s, n in missing.items()),
                  logger='current')
    clips_dir, key_dir = osp.join(out, 'clips'), osp.join(out, 'keyframes')
    rng = np.random.default_rng(seed)
    per_split = {s: dict(images=[], annotations=[], boxes=[], dropped=0,
                         kept=0) for s in data}
    seconds_written = 0
    for sensor in track_iter_progress(
            [s for s in sensors if s not in missing]):
        with h5py.File(osp.join(frames_dir, f'{sensor}.h5'), 'r') as f:
            frames = render_uint8(np.asarray(f['frames'][:], np.float32),
                                  temp_range)
            stamps = np.asarray(f['timestamps'][:], np.int64)
        height, width = frames.shape[1:3]
        index = resample_seconds(stamps, fps)
        for s, rows in enumerate(index):
            write_clip(clip_path(clips_dir, sensor, s), frames[rows], fps)
        seconds_written += len(index)
        t0 = stamps[0]
        for split, d in data.items():
            state = per_split[split]
            anns = defaultdict(list)
            for ann in d['annotations']:
                anns[ann['image_id']].append(ann)
            best: Dict[int, dict] = {}
            for img in d['images']:
                if str(img['sensor_id']) != sensor or not anns[img['id']]:
                    continue
                exact = (img['timestamp'] - t0) / 1000.0
                s = min(max(int(round(exact)), 0), len(index) - 1)
                if s in best:
                    state['dropped'] += 1
                    if abs(exact - s) >= abs(best[s]['exact'] - s):
                        continue
                best[s] = dict(img=img, exact=exact)
            for s, chosen in sorted(best.items()):
                img = chosen['img']
                write_keyframe(keyframe_path(key_dir, sensor, s),
                               frames[index[s][0]])
                state['images'].append(dict(
                    id=img['id'], file_name=f'{sensor}/{s}.jpg',
                    width=width, height=height,
                    original_timestamp_ms=img['timestamp']))
                boxes = []
                for ann in anns[img['id']]:
                    where = f'{ann_files[split]}: annotation {ann.get("id")}'
                    box = _pixel_box(ann.get('bbox'), width, height, where)
                    state['annotations'].append(dict(
                        id=len(state['annotations']), image_id=img['id'],
                        bbox=box, category_id=ann['category_id'],
                        object_id=ann.get('object_id'),
                        area=round(box[2] * box[3], 3), iscrowd=0))
                    boxes.append(box)
                if box_jitter > 0:
                    boxes = jitter_boxes(boxes, rng, box_jitter, width,
                                         height)
                state['boxes'] += [dict(image_id=img['id'], bbox=b,
                                        score=1.0) for b in boxes]
                state['kept'] += 1
    report = dict(source=osp.abspath(src), fps=fps,
                  temp_range=list(temp_range), box_jitter=box_jitter,
                  annotation_files={k: osp.abspath(v)
                                    for k, v in ann_files.items()},
                  missing_recordings=missing, clips=seconds_written,
                  splits={})
    for split, state in per_split.items():
        dump_json(dict(images=state['images'],
                       annotations=state['annotations'],
                       categories=categories,
                       info=dict(description=f'thermal action dataset '
                                 f'({split}) in the ava_custom layout',
                                 source=osp.abspath(ann_files[split]))),
                  osp.join(out, 'annotations', f'{split}.json'))
        dump_json(state['boxes'],
                  osp.join(out, 'boxes', f'{split}_person_bbox.json'))
        report['splits'][split] = dict(
            keyframes=state['kept'], boxes=len(state['boxes']),
            dropped_same_second=state['dropped'])
    dump_json(report, osp.join(out, 'conversion_report.json'))
    return report
