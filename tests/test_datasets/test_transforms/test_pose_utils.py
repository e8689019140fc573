"""Layout mapping, normalisation and windowing of ftplugin.datasets.transforms.pose_utils.

Expected values are computed here from the joint *names* and from numpy,
not from the module's index tables.
"""
import numpy as np
import pytest

from ftplugin.datasets.transforms.pose_utils import (COCO17_JOINTS, OPENPOSE18_JOINTS,
                                          coco17_to_openpose18,
                                          normalize_pose_sequence,
                                          pad_or_trim, window_starts)


def coco_name(openpose_name: str) -> str:
    """'RShoulder' -> 'Right Shoulder', 'LEye' -> 'Left Eye', 'Nose'."""
    if openpose_name[0] in 'RL' and openpose_name[1].isupper():
        side = 'Right' if openpose_name[0] == 'R' else 'Left'
        return f'{side} {openpose_name[1:]}'
    return openpose_name


OP = {name: i for i, name in enumerate(OPENPOSE18_JOINTS)}
COCO = {name: i for i, name in enumerate(COCO17_JOINTS)}


def test_layout_names():
    assert len(OPENPOSE18_JOINTS) == 18 and len(COCO17_JOINTS) == 17
    # every OpenPose joint but the neck has a COCO joint of the same name
    mapped = {coco_name(n) for n in OPENPOSE18_JOINTS if n != 'Neck'}
    assert mapped == set(COCO17_JOINTS)
    # the indices the normaliser relies on are the ones the names say
    assert (OP['Neck'], OP['RShoulder'], OP['LShoulder']) == (1, 2, 5)


def random_coco(rng, num_frames=7):
    poses = rng.uniform(10, 500, (num_frames, 17, 2)).astype(np.float32)
    valid = rng.random((num_frames, 17)) > 0.25
    return poses, valid


def test_coco17_to_openpose18_every_joint_lands_in_its_named_slot():
    rng = np.random.default_rng(0)
    poses, valid = random_coco(rng)
    out, out_valid = coco17_to_openpose18(poses, valid)
    assert out.shape == (7, 18, 2) and out.dtype == np.float32
    assert out_valid.shape == (7, 18) and out_valid.dtype == bool
    for name, slot in OP.items():
        if name == 'Neck':
            continue
        src = COCO[coco_name(name)]
        np.testing.assert_array_equal(out_valid[:, slot], valid[:, src],
                                      err_msg=name)
        expected = np.where(valid[:, src, None], poses[:, src], 0)
        np.testing.assert_array_equal(out[:, slot], expected, err_msg=name)


def test_coco17_neck_is_mid_shoulder_and_needs_both_shoulders():
    rng = np.random.default_rng(1)
    poses, valid = random_coco(rng, num_frames=40)
    out, out_valid = coco17_to_openpose18(poses, valid)
    ls, rs = COCO['Left Shoulder'], COCO['Right Shoulder']
    both = valid[:, ls] & valid[:, rs]
    assert both.any() and (~both).any()  # both cases exercised
    np.testing.assert_array_equal(out_valid[:, OP['Neck']], both)
    mid = (poses[:, ls] + poses[:, rs]) / 2
    np.testing.assert_allclose(out[both, OP['Neck']], mid[both], rtol=1e-6)
    # a missing joint is exactly 0
    assert (out[~out_valid] == 0).all()


def independent_normalise(poses, valid, clip=5.0, torso_ratio=0.0):
    """The documented transform, written from its description."""
    neck, rsh, lsh = OP['Neck'], OP['RShoulder'], OP['LShoulder']
    center = poses[valid[:, neck], neck].mean(axis=0)
    both = valid[:, rsh] & valid[:, lsh]
    widths = np.hypot(*(poses[both, rsh] - poses[both, lsh]).T)
    rhip, lhip = OP['RHip'], OP['LHip']
    torso = valid[:, neck] & valid[:, rhip] & valid[:, lhip]
    lengths = np.hypot(*(poses[torso, neck] -
                         (poses[torso, rhip] + poses[torso, lhip]) / 2).T)
    scale = max(np.median(widths), torso_ratio * np.median(lengths), 1.0)
    out = np.clip((poses - center) / scale, -clip, clip)
    out[~valid] = 0
    return out


def test_normalize_matches_independent_computation():
    rng = np.random.default_rng(2)
    poses = rng.normal(300, 40, (30, 18, 2)).astype(np.float32)
    valid = rng.random((30, 18)) > 0.2
    # the neck is missing in some frames, both shoulders in others
    valid[:3, OP['Neck']] = False
    valid[5:8, OP['RShoulder']] = False
    out = normalize_pose_sequence(poses, valid)
    assert out.shape == (30, 18, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out, independent_normalise(poses, valid),
                               rtol=1e-4, atol=1e-5)
    # a ratio large enough for the torso to set the scale
    out = normalize_pose_sequence(poses, valid, torso_ratio=3.0)
    np.testing.assert_allclose(
        out, independent_normalise(poses, valid, torso_ratio=3.0),
        rtol=1e-4, atol=1e-5)


def test_normalize_centre_and_scale_properties():
    """Mean valid neck at the origin, median shoulder width 1, missing 0."""
    rng = np.random.default_rng(3)
    poses = rng.normal(0, 1, (20, 18, 2)).astype(np.float32) * 30 + 400
    # a body 80 px wide at the shoulders, moving around
    poses[:, OP['RShoulder']] = poses[:, OP['Neck']] + [-40, 0]
    poses[:, OP['LShoulder']] = poses[:, OP['Neck']] + [40, 0]
    valid = np.ones((20, 18), bool)
    valid[::4, 7] = False
    out = normalize_pose_sequence(poses, valid, clip=1e6)
    np.testing.assert_allclose(out[:, OP['Neck']].mean(axis=0), 0,
                               atol=1e-5)
    width = np.linalg.norm(out[:, OP['RShoulder']] - out[:, OP['LShoulder']],
                           axis=-1)
    np.testing.assert_allclose(np.median(width), 1.0, rtol=1e-5)
    assert (out[~valid] == 0).all()
    assert (out[valid] != 0).any()


def test_normalize_uses_openpose_shoulders_not_other_joints():
    """Scale must come from joints 2 and 5 (shoulders); moving any other
    joint far away must not change the other joints' output."""
    rng = np.random.default_rng(4)
    poses = rng.normal(200, 20, (10, 18, 2)).astype(np.float32)
    valid = np.ones((10, 18), bool)
    base = normalize_pose_sequence(poses, valid, clip=1e6)
    moved = poses.copy()
    moved[:, OP['REye']] += 1000  # COCO index 2 would be the right eye
    out = normalize_pose_sequence(moved, valid, clip=1e6)
    keep = [i for i in range(18) if i != OP['REye']]
    np.testing.assert_allclose(out[:, keep], base[:, keep], rtol=1e-5)


def test_normalize_fallbacks_and_clip():
    rng = np.random.default_rng(5)
    poses = rng.normal(200, 50, (6, 18, 2)).astype(np.float32)
    # nothing valid: all zeros
    assert (normalize_pose_sequence(poses, np.zeros((6, 18), bool)) == 0
            ).all()
    # no neck and no shoulders: per-frame centre, default scale 100
    valid = np.ones((6, 18), bool)
    valid[:, [OP['Neck'], OP['RShoulder'], OP['LShoulder']]] = False
    out = normalize_pose_sequence(poses, valid, clip=1e6)
    center = (poses * valid[..., None]).sum(1) / valid.sum(1)[:, None]
    expected = (poses - center[:, None]) / 100.0
    expected[~valid] = 0
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    # clipping
    valid = np.ones((6, 18), bool)
    poses[:, 4] += 1e5
    out = normalize_pose_sequence(poses, valid, clip=2.5)
    assert np.abs(out).max() <= 2.5 + 1e-6
    assert np.isclose(np.abs(out[:, 4]).max(), 2.5)


def side_view(num_frames=12):
    """A person seen from the side: shoulders 2 px apart, torso 100 px."""
    poses = np.zeros((num_frames, 18, 2), np.float32)
    poses[:] = [500, 300]
    poses[:, OP['RShoulder']] += [-1, 0]
    poses[:, OP['LShoulder']] += [1, 0]
    poses[:, [OP['RHip'], OP['LHip']]] += [0, 100]
    poses[:, [OP['RKnee'], OP['LKnee']]] += [5, 150]
    poses[:, OP['Nose']] += [10, -30]
    return poses, np.isin(np.arange(18), [
        OP[n] for n in ('Neck', 'RShoulder', 'LShoulder', 'RHip', 'LHip',
                        'RKnee', 'LKnee', 'Nose')])[None].repeat(num_frames, 0)


def test_normalize_side_view_scales_by_torso_not_collapsed_shoulders():
    poses, valid = side_view()
    out = normalize_pose_sequence(poses, valid, torso_ratio=0.5)
    # scale = 0.5 x torso length (50 px), nothing saturates
    np.testing.assert_allclose(out[:, OP['RHip'], 1], 100 / 50, rtol=1e-5)
    np.testing.assert_allclose(out[:, OP['Nose']], [[10 / 50, -30 / 50]] * 12,
                               rtol=1e-5)
    assert np.abs(out).max() < 5
    # the default is the seed's shoulder-only scale: the body saturates
    seed = normalize_pose_sequence(poses, valid)
    assert np.isclose(np.abs(seed[:, OP['RHip'], 1]), 5).all()


def test_normalize_rejects_wrong_layout():
    with pytest.raises(ValueError, match=r'\(T, 18, 2\)'):
        normalize_pose_sequence(np.zeros((4, 17, 2)), np.ones((4, 17), bool))


def test_original_bug_regression_neck_is_not_the_left_eye():
    """The seed normalised COCO-17 arrays with OpenPose indices, i.e. it
    centred on the left eye (COCO index 1). After mapping, the normalised
    neck must sit at the shoulders' mid-point, far from the left eye."""
    rng = np.random.default_rng(6)
    t = 12
    poses = np.zeros((t, 17, 2), np.float32)
    base = rng.normal([960, 540], 5, (t, 2))
    poses[:] = base[:, None] + rng.normal(0, 60, (17, 2))
    poses[:, COCO['Left Shoulder']] = base + [60, 150]
    poses[:, COCO['Right Shoulder']] = base + [-60, 150]
    poses[:, COCO['Left Eye']] = base + [20, -40]
    valid = np.ones((t, 17), bool)
    op, op_valid = coco17_to_openpose18(poses, valid)
    out = normalize_pose_sequence(op, op_valid)
    neck = out[:, OP['Neck']]
    mid = (out[:, OP['RShoulder']] + out[:, OP['LShoulder']]) / 2
    np.testing.assert_allclose(neck, mid, atol=1e-5)
    np.testing.assert_allclose(neck.mean(axis=0), 0, atol=1e-5)
    left_eye = out[:, OP['LEye']]
    assert np.linalg.norm(left_eye - neck, axis=-1).min() > 0.5
    # scale: shoulder width (120 px), not eye-to-shoulder distance
    width = np.linalg.norm(out[:, OP['RShoulder']] - out[:, OP['LShoulder']],
                           axis=-1)
    np.testing.assert_allclose(width, 1.0, rtol=1e-4)


def test_pad_or_trim():
    seq = np.arange(5 * 3).reshape(5, 3)
    np.testing.assert_array_equal(pad_or_trim(seq, 3), seq[:3])
    np.testing.assert_array_equal(pad_or_trim(seq, 5), seq)
    padded = pad_or_trim(seq, 8)
    assert padded.shape == (8, 3)
    np.testing.assert_array_equal(padded[:5], seq)
    np.testing.assert_array_equal(padded[5:], np.repeat(seq[-1:], 3, 0))
    mask = pad_or_trim(np.array([True, False]), 4)
    np.testing.assert_array_equal(mask, [True, False, False, False])


def expected_starts(num_frames, length, stride):
    if stride <= 0 or num_frames <= length:
        return [0]
    starts = set(range(0, num_frames - length + 1, stride))
    starts.add(num_frames - length)
    return sorted(starts)


@pytest.mark.parametrize('num_frames', [1, 40, 64, 65, 96, 97, 128, 150, 300])
@pytest.mark.parametrize('stride', [0, 32, 50])
def test_window_starts(num_frames, stride):
    starts = window_starts(num_frames, 64, stride)
    assert starts == expected_starts(num_frames, 64, stride)
    # every window fits, the last one ends at the last frame
    assert all(0 <= s <= max(num_frames - 64, 0) for s in starts)
    if stride > 0 and num_frames > 64:
        assert starts[-1] + 64 == num_frames
        assert all(b - a <= stride for a, b in zip(starts, starts[1:]))
