"""PoseRandomFlip: mirror x and swap left/right joints by name."""
import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from ftplugin.datasets.transforms.pose_utils import OPENPOSE18_JOINTS

NAMES = list(OPENPOSE18_JOINTS)


def mirror_name(name: str) -> str:
    if name[0] in 'RL' and name[1].isupper():
        return ('L' if name[0] == 'R' else 'R') + name[1:]
    return name


def keypoints(seed=0):
    kp = np.random.default_rng(seed).normal(0, 1, (2, 8, 18)).astype(
        np.float32)
    kp[:, 2:4, 7] = 0  # a missing joint
    return kp


def test_flip_with_prob_one():
    flip = TRANSFORMS.build(dict(type='PoseRandomFlip', prob=1.0))
    kp = keypoints()
    out = flip(dict(keypoint=kp.copy()))['keypoint']
    assert out.shape == kp.shape
    for j, name in enumerate(NAMES):
        src = NAMES.index(mirror_name(name))
        np.testing.assert_array_equal(out[0, :, j], -kp[0, :, src], name)
        np.testing.assert_array_equal(out[1, :, j], kp[1, :, src], name)
    # a missing joint stays 0 (in its mirrored slot)
    assert (out[:, 2:4, NAMES.index('RWrist')] == 0).all()
    # the input array is not changed in place
    np.testing.assert_array_equal(kp, keypoints())


def test_flip_twice_is_identity():
    flip = TRANSFORMS.build(dict(type='PoseRandomFlip', prob=1.0))
    kp = keypoints(1)
    once = flip(dict(keypoint=kp.copy()))['keypoint']
    assert not np.array_equal(once, kp)
    twice = flip(dict(keypoint=once))['keypoint']
    np.testing.assert_array_equal(twice, kp)


def test_flip_with_prob_zero_keeps_input():
    flip = TRANSFORMS.build(dict(type='PoseRandomFlip', prob=0.0))
    kp = keypoints(2)
    np.testing.assert_array_equal(flip(dict(keypoint=kp.copy()))['keypoint'],
                                  kp)


@pytest.mark.parametrize('prob', [0.3, 0.7])
def test_flip_rate(prob):
    np.random.seed(0)
    flip = TRANSFORMS.build(dict(type='PoseRandomFlip', prob=prob))
    kp = keypoints(3)
    n = 2000
    flipped = sum(not np.array_equal(flip(dict(keypoint=kp.copy()))[
        'keypoint'], kp) for _ in range(n))
    # binomial(2000, p): 5 standard deviations
    assert abs(flipped / n - prob) < 5 * np.sqrt(prob * (1 - prob) / n)
