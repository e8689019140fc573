"""Split thermal annotations so that no sensor is on both sides.

The command line is ``tools/data/thermal/split_thermal_by_sensor.py``.

The original project's ``train.json`` / ``val.json`` split each
recording's keyframes at random, so windows one keyframe apart (they overlap
by most of their 64 frames) fall on both sides and validation measures
memorisation. This tool
pools the given annotation files and assigns whole groups of images to one
side: ``--group-by sensor`` (default) groups by ``sensor_id`` (one
recording, one HDF5 file); ``location`` groups by the part before the last
``_R`` (``SL14_R1`` ... ``SL14_R9`` -> ``SL14``, the same place and scene).

Stratified as far as the classes allow: among ``--trials`` random
assignments (seeded) that put about ``--val-fraction`` of the samples in
val, it keeps the one that (1) leaves the fewest classes without training
samples, (2) then the fewest classes seen in several groups without val
samples, (3) then has per-class val shares closest to the target. A class
held by a single group can only be on one side; such classes are reported.
With ``--frames-dir`` only groups whose HDF5 files all exist are split (the
samples a ``skip_missing=True`` dataset would use); the others are listed.

Writes ``DIR/train.json``, ``DIR/val.json`` (the input format, with the
split recorded under ``info``) and ``DIR/split_report.json``.
"""
import os
import os.path as osp
from collections import Counter, defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np

from ...utils.atomic_io import atomic_write_json

from ..formats.thermal_coco_json import load_class_mapping, load_thermal_coco

GROUPINGS = ('sensor', 'location')


def group_of(sensor_id: str, group_by: str) -> str:
    """The split group of a sensor id."""
    if group_by == 'sensor':
        return sensor_id
    head, sep, _ = sensor_id.rpartition('_R')
    return head if sep else sensor_id


def pool(ann_files: Sequence[str], classes=None) -> dict:
    """Images, annotations and labelled samples of all files together."""
    images, annotations, samples, categories, seen = [], [], [], None, {}
    for path in ann_files:
        coco = load_thermal_coco(path, classes)
        classes = coco['classes']
        categories = categories or coco['raw'].get('categories')
        for img in coco['raw']['images']:
            if img['id'] in seen:
                raise ValueError(f'{path}: image id {img["id"]!r} (field '
                                 f'"id") is also in {seen[img["id"]]}')
            seen[img['id']] = path
        images += coco['raw']['images']
        annotations += coco['raw']['annotations']
        samples += coco['samples']
    if categories is None:
        categories = [dict(id=i, name=n) for i, n in enumerate(classes)]
    return dict(images=images, annotations=annotations, samples=samples,
                classes=classes, categories=categories)


def choose_split(group_counts: Dict[str, np.ndarray], val_fraction: float,
                 trials: int, seed: int) -> List[str]:
    """The val groups of the best of ``trials`` seeded random assignments.

    Args:
        group_counts (dict[str, np.ndarray]): Samples per class of each
            group.
        val_fraction (float): Target share of samples in val.
        trials (int): Random assignments tried.
        seed (int): Seed of the search.

    Returns:
        list[str]: Sorted names of the groups assigned to val.
    """
    names = sorted(group_counts)
    if len(names) < 2:
        raise ValueError(f'need at least 2 groups to split, got {names}')
    counts = np.stack([group_counts[n] for n in names]).astype(np.float64)
    totals = counts.sum(0)
    target = val_fraction * totals.sum()
    shared = (counts > 0).sum(0) >= 2  # classes that can be on both sides
    present = totals > 0
    rng = np.random.default_rng(seed)
    best, best_key = None, None
    for _ in range(trials):
        order = rng.permutation(len(names))
        val = np.zeros(len(names), dtype=bool)
        size = 0.0
        for i in order:
            if size >= target or val.sum() == len(names) - 1:
                break
            # add a group if that brings the val size closer to the target
            if size + counts[i].sum() - target > target - size and val.any():
                continue
            val[i] = True
            size += counts[i].sum()
        val_counts = counts[val].sum(0)
        train_counts = totals - val_counts
        key = (
            int((present & (train_counts == 0)).sum()),
            int((shared & (val_counts == 0)).sum()),
            float(np.abs(val_counts[present] / totals[present] -
                         val_fraction).mean() +
                  abs(size / totals.sum() - val_fraction)),
        )
        if best_key is None or key < best_key:
            best, best_key = val.copy(), key
    return sorted(n for n, v in zip(names, best) if v)


def write_split(data: dict, val_sensors: set, out_dir: str, info: dict,
                keep_sensors: set) -> Dict[str, dict]:
    """Write train.json / val.json; return their images and annotations."""
    os.makedirs(out_dir, exist_ok=True)
    out = {}
    for split in ('train', 'val'):
        images = [img for img in data['images']
                  if str(img['sensor_id']) in keep_sensors and (
                      (str(img['sensor_id']) in val_sensors) == (
                          split == 'val'))]
        ids = {img['id'] for img in images}
        anns = [a for a in data['annotations'] if a['image_id'] in ids]
        out[split] = dict(
            images=images, annotations=anns, categories=data['categories'],
            info=dict(description=f'Thermal action dataset ({split}), '
                      f'sensor-disjoint split', **info))
        atomic_write_json(osp.join(out_dir, f'{split}.json'), out[split])
    return out


def split_by_sensor(ann_files: Sequence[str],
                    out_dir: str,
                    val_fraction: float = 0.2,
                    seed: int = 0,
                    group_by: str = 'sensor',
                    frames_dir: Optional[str] = None,
                    class_mapping: Optional[str] = None,
                    trials: int = 4000) -> dict:
    """Pool ``ann_files``, split them by group and write the result.

    Args:
        ann_files (Sequence[str]): Annotation files to pool.
        out_dir (str): Receives ``train.json``, ``val.json`` and
            ``split_report.json``.
        val_fraction (float): Target share of samples in val, in (0, 1).
        seed (int): Seed of the random assignments.
        group_by (str): ``'sensor'`` or ``'location'``.
        frames_dir (str, optional): Split only groups whose
            ``<sensor_id>.h5`` files are all here.
        class_mapping (str, optional): A ``class_mapping.json``.
        trials (int): Random assignments to choose from.

    Returns:
        dict: The report written to ``split_report.json``, plus
        ``num_groups``.
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f'val_fraction (--val-fraction) must be in (0, 1), '
                         f'got {val_fraction}')
    if group_by not in GROUPINGS:
        raise ValueError(f'group_by must be one of {GROUPINGS}, got '
                         f'{group_by!r}')
    classes = load_class_mapping(class_mapping) if class_mapping else None
    data = pool(ann_files, classes)
    num_classes = len(data['classes'])
    sensors = sorted({str(img['sensor_id']) for img in data['images']})
    groups = defaultdict(set)
    for sensor in sensors:
        groups[group_of(sensor, group_by)].add(sensor)
    left_out = {}
    if frames_dir:
        for group, members in list(groups.items()):
            missing = sorted(s for s in members if not osp.isfile(
                osp.join(frames_dir, f'{s}.h5')))
            if missing:
                left_out[group] = missing
                del groups[group]
    keep = set().union(*groups.values()) if groups else set()
    group_counts = {g: np.zeros(num_classes, dtype=np.int64) for g in groups}
    for s in data['samples']:
        if s['sensor_id'] in keep:
            group_counts[group_of(s['sensor_id'], group_by)][
                s['label']] += 1
    val_groups = choose_split(group_counts, val_fraction, trials, seed)
    val_sensors = set().union(*(groups[g] for g in val_groups))
    info = dict(split=dict(
        method='sensor-disjoint', group_by=group_by, seed=seed,
        val_fraction=val_fraction,
        sources=[osp.abspath(p) for p in ann_files],
        val_groups=val_groups,
        train_groups=sorted(set(groups) - set(val_groups))))
    write_split(data, val_sensors, out_dir, info, keep)

    per_side = {side: Counter() for side in ('train', 'val')}
    for s in data['samples']:
        if s['sensor_id'] in keep:
            per_side['val' if s['sensor_id'] in val_sensors else 'train'][
                s['label']] += 1
    single = [data['classes'][c] for c in range(num_classes)
              if sum((v[c] > 0) for v in group_counts.values()) == 1]
    report = dict(
        **info['split'], left_out_groups=left_out,
        samples={side: sum(c.values()) for side, c in per_side.items()},
        class_counts={side: {data['classes'][c]: n for c, n in
                             sorted(cnt.items())}
                      for side, cnt in per_side.items()},
        classes_without_train=[data['classes'][c] for c in per_side['val']
                               if c not in per_side['train']],
        classes_without_val=[data['classes'][c] for c in per_side['train']
                             if c not in per_side['val']],
        classes_in_one_group=single)
    atomic_write_json(osp.join(out_dir, 'split_report.json'), report,
                      indent=2)
    return dict(report, num_groups=len(groups))
