"""The ava_custom person (or object) box file: ``boxes/<split>_person_bbox.json``.

A list of ``{"image_id", "bbox": [x, y, w, h], "score"}`` in keyframe
pixels (see :mod:`.ava_annotations_json` for the whole layout).
"""
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

import numpy as np


from .ava_annotations_json import check_box_layout, load_json, xywh_to_xyxy
from .checks import implausible


def check_scores(box_file: str, unscored: List[int],
                 off_scale: List[Tuple[int, float]],
                 on_implausible: str = 'error') -> None:
    """Detection scores are probabilities: one missing (read as 1.0,
    kept whatever ``box_score_thr``) or outside [0, 1] (percent, logits:
    the threshold keeps all or none) is implausible."""
    if unscored:
        implausible(
            f'{box_file}: {len(unscored)} box(es) have no field "score", '
            f'e.g. [{unscored[0]}]: read as 1.0, they are kept whatever '
            f'box_score_thr; give each detection its score', on_implausible)
    if off_scale:
        i, score = off_scale[0]
        values = [v for _, v in off_scale]
        cause = ('looks like percent: divide by 100'
                 if all(1.0 < v <= 100.0 for v in values) else
                 'logits or another scale? give probabilities')
        implausible(
            f'{box_file}: {len(off_scale)} box(es) have a field "score" '
            f'outside [0, 1], e.g. [{i}] = {score!r} (box_score_thr compares '
            f'probabilities): {cause}', on_implausible)


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
    unscored: List[int] = []
    off_scale: List[Tuple[int, float]] = []
    for i, det in enumerate(data):
        where = f'{box_file}: [{i}]'
        if not isinstance(det, dict):
            raise ValueError(f'{where} must be an object, got {det!r}')
        if det.get('image_id') not in known:
            raise ValueError(f'{where} field "image_id" '
                             f'{det.get("image_id")!r} is not an image of '
                             f'the annotation file')
        if 'score' not in det:
            unscored.append(i)
        score = det.get('score', 1.0)
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise ValueError(f'{where} field "score" must be a number, got '
                             f'{score!r}')
        if not 0.0 <= score <= 1.0:  # NaN too
            off_scale.append((i, score))
        box = xywh_to_xyxy(det.get('bbox'), where)
        if image_sizes is not None:
            raw_boxes.append(det['bbox'])
            sizes.append(image_sizes[det['image_id']])
        if score >= score_thr:
            found.setdefault(det['image_id'], []).append((box, float(score)))
    check_scores(box_file, unscored, off_scale, on_implausible)
    if image_sizes is not None:
        check_box_layout(box_file, [f'[{i}]' for i in range(len(data))],
                         np.array(raw_boxes, np.float64).reshape(-1, 4),
                         np.array(sizes, np.float64).reshape(-1, 2),
                         on_implausible)
    return {k: (np.array([b for b, _ in v], dtype=np.float32),
                np.array([s for _, s in v], dtype=np.float32))
            for k, v in found.items()}
