"""NormalizePoseWindows: normalize_pose_sequence on each window, laid out
(2, T, 18) for one window and (N, 2, T, 18) for several."""
import numpy as np

from ftplugin.datasets.transforms import NormalizePoseWindows
from ftplugin.datasets.transforms.pose_utils import normalize_pose_sequence


def windows(num, seed=0):
    rng = np.random.default_rng(seed)
    poses = rng.uniform(10, 150, (num, 64, 18, 2)).astype(np.float32)
    valid = rng.random((num, 64, 18)) > 0.2
    return poses, valid


def test_each_window_normalised_on_its_own():
    poses, valid = windows(3)
    out = NormalizePoseWindows()(dict(keypoint=poses.copy(),
                                      keypoint_valid=valid))
    assert out['keypoint'].shape == (3, 2, 64, 18)
    assert out['keypoint'].dtype == np.float32
    assert 'keypoint_valid' not in out
    for got, p, v in zip(out['keypoint'], poses, valid):
        np.testing.assert_array_equal(
            got, normalize_pose_sequence(p, v).transpose(2, 0, 1))
        # missing joints are exactly 0
        assert (got.transpose(1, 2, 0)[~v] == 0).all()


def test_one_window_has_no_window_axis_and_torso_ratio_applies():
    poses, valid = windows(1, seed=1)
    # a torso ratio large enough to set the scale
    out = NormalizePoseWindows(torso_ratio=5.0)(
        dict(keypoint=poses.copy(), keypoint_valid=valid))
    assert out['keypoint'].shape == (2, 64, 18)
    np.testing.assert_array_equal(
        out['keypoint'], normalize_pose_sequence(
            poses[0], valid[0], torso_ratio=5.0).transpose(2, 0, 1))
    assert not np.allclose(out['keypoint'], normalize_pose_sequence(
        poses[0], valid[0]).transpose(2, 0, 1))
