"""The ava_custom person (or object) box file: ``boxes/<split>_person_bbox.json``.

A list of ``{"image_id", "bbox": [x, y, w, h], "score"}`` in keyframe
pixels (see :mod:`.ava_annotations_json` for the whole layout).
"""
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

import numpy as np


from .ava_annotations_json import check_box_layout, load_json, xywh_to_xyxy


def load_person_boxes(box_file: str, image_ids: Iterable,
                      score_thr: float = 0.0,
                      image_sizes: Optional[Mapping] = None,
                      on_implausible: str = 'error'
                      ) -> Dict[object, Tuple[np.ndarray, np.ndarray]]:
    """Person detections per image, at or above ``score_thr``.

    Args:
        box_file (str): JSON list of ``{image_id, bbox: [x, y, w, h],
            score}``.
        image_ids (Iterable): The annotation file's image ids; a box of
            another image is an error.
        score_thr (float): Boxes scored below are dropped (AlphAction's
            ``TEST.BOX_THRESH``).
        image_sizes (Mapping, optional): ``image_id -> (width, height)``:
            every box's layout is checked against its image
            (:func:`check_box_layout`). Defaults to None (not checked).
        on_implausible (str): The check's ``'error'`` or ``'warn'``.

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
    raw_boxes, sizes = [], []
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
        if image_sizes is not None:
            raw_boxes.append(det['bbox'])
            sizes.append(image_sizes[det['image_id']])
        if score >= score_thr:
            found.setdefault(det['image_id'], []).append((box, float(score)))
    if image_sizes is not None:
        check_box_layout(box_file, [f'[{i}]' for i in range(len(data))],
                         np.array(raw_boxes, np.float64).reshape(-1, 4),
                         np.array(sizes, np.float64).reshape(-1, 2),
                         on_implausible)
    return {k: (np.array([b for b, _ in v], dtype=np.float32),
                np.array([s for _, s in v], dtype=np.float32))
            for k, v in found.items()}
