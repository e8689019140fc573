"""A small synthetic dataset in the ``ava_custom`` layout.

Used by ``tools/data/ava_custom/generate_ava_data.py`` (so ``make demo``
runs the family without ``../shared``) and by the tests. Each video shows
several people (bright rectangles) on a noisy background; each person does
one posture for the whole video, ``walk`` (moving sideways) or ``stand``
(still), an exclusive pair, and, independently, ``wave`` (a small blob
above the head blinking) and ``hot`` (a brighter body): multi-label
targets that need appearance and motion. Class ids start at 1, as in the
AlphAction guide, so the id map is exercised.
"""
import os.path as osp
from typing import Dict, List

import numpy as np
from mmengine.utils import track_iter_progress

from ...datasets.formats.ava_clips import (clip_path, keyframe_path, write_clip, write_keyframe)
from ...datasets.formats.ava_annotations_json import dump_json

CATEGORIES = [dict(id=1, name='walk'), dict(id=2, name='stand'),
              dict(id=3, name='wave'), dict(id=4, name='hot')]


def _person(rng: np.random.Generator, height: int, width: int,
            taken: List[float]) -> dict:
    box_w, box_h = width // 8, height // 3
    for _ in range(20):  # keep people apart
        x = float(rng.uniform(2, width - box_w - 2))
        if all(abs(x - t) > box_w * 1.5 for t in taken):
            break
    taken.append(x)
    return dict(x=x, y=float(rng.uniform(box_h // 3 + 1,
                                         height - box_h - 1)),
                w=box_w, h=box_h, walk=bool(rng.random() < 0.5),
                wave=bool(rng.random() < 0.5), hot=bool(rng.random() < 0.5),
                speed=float(rng.choice([-1.5, 1.5])))


def _render(people: List[dict], frame: int, height: int, width: int,
            rng: np.random.Generator) -> tuple:
    img = rng.normal(40, 8, (height, width)).clip(0, 255)
    boxes = []
    for p in people:
        x = p['x'] + (p['speed'] * frame if p['walk'] else 0.0)
        span = width - p['w'] - 2
        x = 1 + abs((x - 1) % (2 * span) - span) if p['walk'] else x
        x1, y1 = int(round(x)), int(round(p['y']))
        img[y1:y1 + p['h'], x1:x1 + p['w']] = 230 if p['hot'] else 140
        if p['wave'] and (frame // 2) % 2 == 0:
            top = max(y1 - 4, 0)
            img[top:y1, x1 + p['w'] - 3:x1 + p['w']] = 250
        boxes.append([x1, y1, p['w'], p['h']])
    return np.repeat(img.astype(np.uint8)[..., None], 3, -1), boxes


def generate_ava_custom(out_dir: str,
                        num_videos: int = 6,
                        num_val_videos: int = 2,
                        seconds: int = 6,
                        fps: int = 8,
                        size: tuple = (40, 60),
                        people: int = 2,
                        dialect: str = 'guide',
                        seed: int = 0) -> Dict[str, int]:
    """Write the synthetic dataset; return keyframes per split.

    Args:
        out_dir (str): Data root to write.
        num_videos (int): Videos in all. Defaults to 6.
        num_val_videos (int): Of them, the last ones go to val.
            Defaults to 2.
        seconds (int): One-second clips per video (each annotated).
        fps (int): Frames per clip. Defaults to 8.
        size (tuple): (height, width). Defaults to (40, 60).
        people (int): People per video. Defaults to 2.
        dialect (str): ``'guide'`` (``file_name`` + one annotation per
            label with ``category_id``) or ``'alphaction'`` (``movie`` +
            ``timestamp``, ``action_ids`` lists). Defaults to ``'guide'``.
        seed (int): Random seed. Defaults to 0.
    """
    if dialect not in ('guide', 'alphaction'):
        raise ValueError(f"dialect must be 'guide' or 'alphaction', got "
                         f'{dialect!r}')
    if not 0 < num_val_videos < num_videos:
        raise ValueError('need 0 < num_val_videos < num_videos')
    rng = np.random.default_rng(seed)
    height, width = size
    splits = {s: dict(images=[], annotations=[], boxes=[])
              for s in ('train', 'val')}
    for v in track_iter_progress(list(range(num_videos))):
        video = f'video_{v:03d}'
        split = splits['val' if v >= num_videos - num_val_videos else
                       'train']
        taken: List[float] = []
        cast = [_person(rng, height, width, taken) for _ in range(people)]
        for s in range(seconds):
            frames, keyboxes = [], None
            for k in range(fps):
                img, boxes = _render(cast, s * fps + k, height, width, rng)
                frames.append(img)
                keyboxes = keyboxes or boxes
            write_clip(clip_path(osp.join(out_dir, 'clips'), video, s),
                       np.stack(frames), fps)
            write_keyframe(keyframe_path(osp.join(out_dir, 'keyframes'),
                                         video, s), frames[0])
            image_id = len(splits['train']['images']) + len(
                splits['val']['images'])
            image = dict(id=image_id, width=width, height=height)
            image.update(dict(file_name=f'{video}/{s}.jpg')
                         if dialect == 'guide' else dict(movie=video,
                                                         timestamp=s))
            split['images'].append(image)
            for pid, (p, box) in enumerate(zip(cast, keyboxes)):
                labels = [1 if p['walk'] else 2] + [3] * p['wave'] + [
                    4] * p['hot']
                if dialect == 'guide':
                    for label in labels:
                        split['annotations'].append(dict(
                            id=len(split['annotations']), image_id=image_id,
                            bbox=box, category_id=label, person_id=pid))
                else:
                    split['annotations'].append(dict(
                        id=len(split['annotations']), image_id=image_id,
                        bbox=box, action_ids=labels, person_id=pid))
                split['boxes'].append(dict(image_id=image_id, bbox=box,
                                           score=0.95))
            # a weak false detection, below the default 0.8 threshold
            split['boxes'].append(dict(
                image_id=image_id, bbox=[1, 1, width // 6, height // 4],
                score=0.3))
    for name, split in splits.items():
        dump_json(dict(images=split['images'],
                       annotations=split['annotations'],
                       categories=CATEGORIES),
                  osp.join(out_dir, 'annotations', f'{name}.json'))
        dump_json(split['boxes'],
                  osp.join(out_dir, 'boxes', f'{name}_person_bbox.json'))
    return {name: len(split['images']) for name, split in splits.items()}
