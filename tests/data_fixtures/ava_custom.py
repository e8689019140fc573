"""Fixtures of the ava_custom family's tests (registered in
tests/conftest.py).

* ``ava_gen``: a small AVA-style dataset (clips, annotations with the
  generator's 4 categories, person boxes) written once per session by the
  generator behind ``tools/data/ava_custom/``.
"""
from pathlib import Path

import pytest


@pytest.fixture(scope='session')
def ava_gen(tmp_path_factory) -> Path:
    """3 videos of 5 s (2 for training, 1 for validation), 2 people per
    keyframe."""
    from ftplugin.testing.synthetic.ava_custom import generate_ava_custom
    root = tmp_path_factory.mktemp('ava_gen') / 'ava_custom'
    generate_ava_custom(str(root), num_videos=3, num_val_videos=1,
                        seconds=5, seed=0)
    return root
