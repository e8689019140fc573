"""MultiViewClips: independently augmented views of the same frames."""
import numpy as np
import pytest
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose


def sample(t=4, h=12, w=18):
    rng = np.random.default_rng(0)
    imgs = rng.integers(0, 255, (t, h, w, 3), dtype=np.uint8)
    return dict(imgs=list(imgs), num_clips=1, clip_len=t,
                img_shape=(h, w), original_shape=(h, w), modality='RGB')


def test_views_are_augmented_independently_and_formatted_as_clips():
    np.random.seed(0)
    pipeline = Compose([
        dict(type='MultiViewClips', num_views=2, transforms=[
            dict(type='Flip', flip_ratio=0.5)]),
        dict(type='FormatShape', input_format='NCTHW')])
    frames = np.stack(sample()['imgs'])
    flipped = frames[:, :, ::-1]
    kinds = set()
    for _ in range(20):
        out = pipeline(sample())
        assert out['imgs'].shape == (2, 3, 4, 12, 18)
        views = out['imgs'].transpose(0, 2, 3, 4, 1)  # (V, T, H, W, C)
        kind = []
        for view in views:
            assert (np.array_equal(view, frames)
                    or np.array_equal(view, flipped))
            kind.append(np.array_equal(view, flipped))
        kinds.add(tuple(kind))
    # each view draws its own flip
    assert {(False, True), (True, False)} & kinds


def test_views_must_end_the_same_size():
    transform = TRANSFORMS.build(dict(
        type='MultiViewClips', transforms=[
            dict(type='RandomResizedCrop', area_range=(0.2, 1.0))]))
    np.random.seed(0)
    with pytest.raises(ValueError, match='fixed-size Resize'):
        for _ in range(10):
            transform(sample())
    with pytest.raises(ValueError, match='num_views'):
        TRANSFORMS.build(dict(type='MultiViewClips', transforms=[],
                              num_views=1))
