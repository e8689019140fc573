"""Fixtures of the thermal family's tests (registered in
tests/conftest.py).

* ``thermal_real``: ``../shared/data/thermal_action_dataset`` beside the
  checkout; tests that need it skip, saying so, only when it is absent.
* ``thermal_gen``: a small dataset written once per session by the
  generator behind ``tools/data/thermal/``.
* ``build_thermal(root, ann, **kwargs)``: a dataset without pipeline.
"""
from pathlib import Path

import json
from collections import Counter

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_ROOT = REPO_ROOT.parent / 'shared' / 'data' / 'thermal_action_dataset'


@pytest.fixture(scope='session')
def thermal_real() -> Path:
    if not (REAL_ROOT / 'annotations' / 'train.json').is_file():
        pytest.skip(f'{REAL_ROOT} absent: the real thermal recordings are '
                    f'read from ../shared/data beside the checkout')
    return REAL_ROOT


@pytest.fixture(scope='session')
def thermal_gen(tmp_path_factory) -> Path:
    """6 recordings of ~150 frames, a keyframe every 6 frames."""
    root = tmp_path_factory.mktemp('thermal_gen') / 'thermal_action_dataset'
    from ftplugin.testing.synthetic.thermal import generate_thermal
    generate_thermal(
        str(root), num_sensors=6, frames_per_sensor=150, keyframe_every=6,
        rng=np.random.default_rng(0), verbose=False)
    return root


@pytest.fixture(scope='session')
def build_thermal():
    """``build_thermal(root, ann='annotations/train.json', **kwargs)``: a
    ThermalHDF5Dataset of ``root`` without pipeline."""

    def build(root, ann='annotations/train.json', **kwargs):
        from mmaction.registry import DATASETS
        cfg = dict(type='ThermalHDF5Dataset', data_root=str(root),
                   ann_file=ann,
                   class_mapping='annotations/class_mapping.json',
                   pipeline=[])
        cfg.update(kwargs)
        return DATASETS.build(cfg)

    return build


def real_label_counts(root: Path) -> np.ndarray:
    """Samples per class of the real train annotations whose recording is
    present, labelled as ThermalHDF5Dataset labels them (majority, ties to
    the smallest id), computed here independently of ftplugin."""
    data = json.loads((root / 'annotations/train.json').read_text())
    cats = {}
    for a in data['annotations']:
        cats.setdefault(a['image_id'], []).append(a['category_id'])
    labels = []
    for img in data['images']:
        if (root / 'frames' / f'{img["sensor_id"]}.h5').is_file():
            top = Counter(cats[img['id']]).most_common()
            labels.append(min(c for c, n in top if n == top[0][1]))
    return np.bincount(labels, minlength=14)
