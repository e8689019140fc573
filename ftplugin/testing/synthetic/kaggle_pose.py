"""Synthetic pose sequences in the KTH-pose and Kaggle-fall formats.

The demo and the tests need pose data laid out exactly like the real corpora
when those are not available. This script animates a kinematic stick figure
(limb lengths plus joint angles as functions of time), films it with a
virtual camera and corrupts it the way a 2D pose detector would. It writes:

* ``<out-dir>/kth_poses/<video_id>.npz``: OpenPose-COCO-18 poses of the six
  KTH actions in a 160x120 frame at 25 fps; undetected joints are (0, 0).
* ``<out-dir>/kaggle_fall/{Fall,No_Fall}/Keypoints_CSV/<name>_keypoints.csv``:
  COCO-17 keypoints with confidences in a 1920x1080 frame at 30 fps, one row
  per (frame, keypoint); frames without a detected person are left out.

The command line is ``tools/data/kaggle_pose/generate_pose_data.py``.
"""
import os
import os.path as osp

import numpy as np
from mmengine.utils import ProgressBar

from ...datasets.formats.kaggle_keypoint_csv import (KAGGLE_CSV_COLUMNS, write_kaggle_csv)
from ...datasets.formats.kth_pose_npz import KTH_ACTIONS, save_kth_npz
from ...datasets.transforms.pose_utils import OPENPOSE18_SLOT_OF_COCO17

# OpenPose-18 index of each Kaggle keypoint (the Kaggle layout has no neck).
KAGGLE_FROM_OPENPOSE = np.array(OPENPOSE18_SLOT_OF_COCO17)
CSV_HEADER = ','.join(KAGGLE_CSV_COLUMNS)

KTH_SIZE, KTH_FPS = (160, 120), 25.0
KAGGLE_SIZE, KAGGLE_FPS = (1920, 1080), 30.0

# Body proportions in units of standing height (ankles at 0, crown ~0.97).
THIGH, SHANK, TORSO, UPPER_ARM, FOREARM = 0.245, 0.25, 0.30, 0.17, 0.15
HIP_HALF, SHOULDER_HALF = 0.09, 0.12
# Nose, REye, LEye, REar and LEar relative to the neck as (left, up, forward).
FACE = np.array([[0.0, 0.09, 0.045], [-0.03, 0.11, 0.035], [0.03, 0.11, 0.035],
                 [-0.065, 0.10, -0.005], [0.065, 0.10, -0.005]])
FACE_IDX = [0, 14, 15, 16, 17]
UPPER_IDX = [0, 1, 2, 3, 4, 5, 6, 7, 14, 15, 16, 17]
TRUNK_IDX = [1, 2, 5, 8, 11]
SIDE = np.array([-1.0, 1.0])  # column 0 is the right side, 1 the left (+x)

# Stride Hz, hip swing, knee bend, arm swing, elbow bend, forward lean and
# speed in body heights per second: faster gaits swing and lean more.
GAIT = {
    'walking': (0.9, 0.38, 1.0, 0.35, 0.25, 0.05, 0.8),
    'jogging': (1.3, 0.55, 1.5, 0.6, 1.2, 0.12, 1.8),
    'running': (1.55, 0.75, 1.9, 0.9, 1.5, 0.22, 2.9),
}
NO_FALL_KINDS = ('stand', 'walk', 'sit', 'bend', 'crouch', 'lie', 'lie_down')
NO_FALL_WEIGHTS = (0.15, 0.2, 0.2, 0.15, 0.14, 0.08, 0.08)
# Fall styles with their range of durations in seconds: a fast full fall, a
# slow partial slump onto the knees, and a fast fall onto the buttocks.
FALL_SECONDS = {'full': (0.5, 1.2), 'slow': (1.3, 2.4), 'seated': (0.35, 0.8)}
FALL_WEIGHTS = (0.65, 0.2, 0.15)

# Detector model, all in OpenPose order. Distal joints wobble most.
JITTER = np.array(
    [0.8, 1, 1, 1.4, 2, 1, 1.4, 2, 1, 1.4, 2, 1, 1.4, 2, 0.8, 0.8, 0.8, 0.8])
# Base rate of missed joints: wrists, ankles and ears are the hardest.
MISS_RATE = np.array([
    .03, .01, .02, .04, .09, .02, .04, .09, .03, .05, .09, .03, .05, .09, .05,
    .05, .10, .10
])
# Joint that a detector snaps an occluded keypoint onto.
NEAREST = np.array(
    [15, 0, 5, 2, 3, 2, 5, 6, 11, 8, 9, 8, 11, 12, 0, 0, 14, 15])
# Right/left limb pairs (elbow + wrist, knee + ankle) that get confused.
SWAP_PAIRS = (([3, 4], [6, 7]), ([9, 10], [12, 13]))


def _smooth_noise(rng, num, width, size=()):
    """Draw unit-variance noise that is correlated over ``width`` frames.

    Args:
        rng (np.random.Generator): Random generator.
        num (int): Number of frames.
        width (int): Moving-average window in frames.
        size (tuple): Trailing shape of the output.

    Returns:
        np.ndarray: Noise of shape ``(num, *size)``.
    """
    total = np.cumsum(rng.standard_normal((num + width, ) + size), axis=0)
    return (total[width:] - total[:-width]) / np.sqrt(width)


def _ramp(t, start, duration):
    """Smoothstep from 0 before ``start`` to 1 after ``start + duration``.

    Args:
        t (np.ndarray): Times in seconds.
        start (float): Start of the transition in seconds.
        duration (float): Length of the transition in seconds.
    """
    s = np.clip((t - start) / max(duration, 1e-6), 0.0, 1.0)
    return s * s * (3 - 2 * s)


def _runs(rng, shape, rate, max_len):
    """Draw a boolean mask made of short runs along the first axis.

    Detectors fail for a few consecutive frames rather than independently,
    so events start at random and last 1 to ``max_len`` frames.

    Args:
        rng (np.random.Generator): Random generator.
        shape (tuple): Mask shape, time first.
        rate (float | np.ndarray): Fraction to cover, broadcast to ``shape``.
        max_len (int): Longest run in frames.
    """
    starts = rng.random(shape) < np.asarray(rate) * 2 / (1 + max_len)
    lengths = rng.integers(1, max_len + 1, shape)
    mask = np.zeros(shape, dtype=bool)
    for k in range(min(max_len, shape[0])):
        mask[k:] |= starts[:shape[0] - k] & (lengths[:shape[0] - k] > k)
    return mask


def _rotate(points, angle, axis):
    """Rotate points about an axis through the origin (Rodrigues' formula).

    Args:
        points (np.ndarray): Points of shape (T, N, 3).
        angle (np.ndarray): Angle per frame in radians, shape (T, ).
        axis (Sequence[float]): Unit axis of rotation.
    """
    axis = np.asarray(axis, dtype=float)
    cos = np.cos(angle)[:, None, None]
    sin = np.sin(angle)[:, None, None]
    along = axis * (points @ axis)[..., None]
    return points * cos + np.cross(axis, points) * sin + along * (1 - cos)


def _rest_pose(num):
    """Return the joint angles of a relaxed upright figure facing the camera.

    Two-sided angles have shape (T, 2) with columns (right, left): flexion
    swings a segment forwards, abduction outwards, ``knee`` bends the shank
    backwards, and ``elbow``/``fore_abd`` are relative to the upper arm.
    ``pitch``/``roll`` lean the upper body, ``yaw`` turns the whole figure
    and ``tilt`` topples it about the feet around the horizontal axis at
    angle ``tilt_axis`` from the camera's line of sight.

    Args:
        num (int): Number of frames.
    """
    pose = {
        key: np.zeros((num, 2))
        for key in ('thigh_flex', 'thigh_abd', 'knee', 'arm_flex', 'arm_abd',
                    'elbow', 'fore_abd')
    }
    pose['thigh_abd'] += 0.03
    pose['knee'] += 0.03
    pose['arm_abd'] += 0.08
    pose['elbow'] += 0.15
    for key in ('pitch', 'roll', 'yaw', 'tilt'):
        pose[key] = np.zeros(num)
    pose['tilt_axis'] = 0.0
    return pose


def _fidget(pose, rng, amount):
    """Add slow random wobble to every joint angle, as no one holds still.

    Args:
        pose (dict): Joint angles from :func:`_rest_pose`, changed in place.
        rng (np.random.Generator): Random generator.
        amount (float): Wobble amplitude in radians.
    """
    for key in ('thigh_flex', 'thigh_abd', 'knee', 'arm_flex', 'arm_abd',
                'elbow', 'fore_abd', 'pitch', 'roll'):
        value = pose[key]
        value += amount * _smooth_noise(rng, len(value), 12, value.shape[1:])


def _segment(flex, abd, side):
    """Unit direction (T, 2, 3) of a limb segment in the body frame.

    Args:
        flex (np.ndarray): Forward swing from hanging down, shape (T, 2).
        abd (np.ndarray): Outward swing from hanging down, shape (T, 2).
        side (np.ndarray): -1 for the right and +1 for the left column.
    """
    left = side * np.sin(abd)
    up = -np.cos(abd) * np.cos(flex)
    forward = np.cos(abd) * np.sin(flex)
    return np.stack([left, up, forward], axis=-1)


def _skeleton(pose):
    """Pose the figure in 3D by forward kinematics.

    Args:
        pose (dict): Joint angles from :func:`_rest_pose`.

    Returns:
        np.ndarray: Joints (T, 18, 3) in OpenPose order, in body heights,
        with x to the image's right, y up and z towards the camera, resting
        on the floor (y = 0).
    """
    num = len(pose['pitch'])
    joints = np.zeros((num, 18, 3))
    hips = np.zeros((num, 2, 3))
    hips[..., 0] = SIDE * HIP_HALF
    knees = hips + THIGH * _segment(pose['thigh_flex'], pose['thigh_abd'],
                                    SIDE)
    ankles = knees + SHANK * _segment(pose['thigh_flex'] - pose['knee'],
                                      pose['thigh_abd'], SIDE)
    shoulders = np.zeros((num, 2, 3))
    shoulders[..., 0] = SIDE * SHOULDER_HALF
    shoulders[..., 1] = TORSO - 0.015
    elbows = shoulders + UPPER_ARM * _segment(pose['arm_flex'],
                                              pose['arm_abd'], SIDE)
    wrists = elbows + FOREARM * _segment(pose['arm_flex'] + pose['elbow'],
                                         pose['arm_abd'] + pose['fore_abd'],
                                         SIDE)
    joints[:, 1, 1] = TORSO
    joints[:, FACE_IDX] = joints[:, 1:2] + FACE
    joints[:, [2, 5]], joints[:, [3, 6]] = shoulders, elbows
    joints[:, [4, 7]] = wrists
    # The upper body leans about the pelvis: pitch forwards, roll sideways.
    upper = _rotate(joints[:, UPPER_IDX], pose['pitch'], (1, 0, 0))
    joints[:, UPPER_IDX] = _rotate(upper, pose['roll'], (0, 0, -1))
    joints[:, [8, 11]], joints[:, [9, 12]] = hips, knees
    joints[:, [10, 13]] = ankles
    joints = _rotate(joints, pose['yaw'], (0, 1, 0))
    # Falling and lying topple the whole body about the feet.
    pivot = joints[:, [10, 13]].mean(axis=1, keepdims=True)
    axis = (np.sin(pose['tilt_axis']), 0.0, np.cos(pose['tilt_axis']))
    joints = _rotate(joints - pivot, pose['tilt'], axis) + pivot
    # An upright body stands on its lowest joint; a toppled one rests its
    # trunk on the floor, with limbs that would pierce it lying flat.
    height = joints[..., 1]
    lying = np.clip((np.abs(pose['tilt']) - 0.8) / 0.6, 0, 1)[:, None]
    height -= ((1 - lying) * height.min(axis=1, keepdims=True) +
               lying * height[:, TRUNK_IDX].min(axis=1, keepdims=True))
    np.maximum(height, 0.0, out=height)
    return joints


def _gait(pose, t, params, envelope, phase):
    """Add a walking/running cycle to ``pose`` in place.

    Args:
        pose (dict): Joint angles from :func:`_rest_pose`.
        t (np.ndarray): Times in seconds, shape (T, ).
        params (tuple): Stride Hz, hip swing, knee bend, arm swing, elbow
            bend and forward lean (the first six entries of ``GAIT``).
        envelope (np.ndarray): Gait strength per frame in [0, 1], so a
            walker can stop.
        phase (float): Starting phase of the stride in radians.
    """
    hz, hip, knee, arm, elbow, lean = params
    cycle = 2 * np.pi * hz * t[:, None] + phase + np.array([0.0, np.pi])
    env = envelope[:, None]
    pose['thigh_flex'] += env * hip * (np.sin(cycle) + 0.15)
    # The knee bends most early in the swing, as the thigh comes forward.
    pose['knee'] += env * knee * ((1 + np.cos(cycle + 0.3)) / 2)**2
    # Each arm swings against the leg of its own side.
    pose['arm_flex'] -= env * arm * np.sin(cycle)
    pose['elbow'] += env * elbow
    pose['pitch'] += envelope * lean


def _miss_rate(world, base, occlusion):
    """Per-frame, per-joint miss probability of a detector.

    A base rate plus self-occlusion: a face joint behind the middle of the
    head, or a body joint behind the torso, is often not found.

    Args:
        world (np.ndarray): Joints (T, 18, 3) from :func:`_skeleton`.
        base (np.ndarray): Base miss rate per joint, shape (18, ).
        occlusion (float): Miss rate of a fully hidden face joint; hidden
            body joints are missed a fifth as often.
    """
    depth = world[..., 2]
    ref = np.repeat(depth[:, [2, 5, 8, 11]].mean(1, keepdims=True), 18, 1)
    ref[:, FACE_IDX] = depth[:, [16, 17]].mean(1, keepdims=True)
    behind = np.clip((ref - depth - 0.02) / 0.04, 0.0, 1.0)
    gain = np.full(18, 0.2 * occlusion)
    gain[FACE_IDX] = occlusion
    return np.minimum(base + gain * behind, 0.95)


def _swap_limbs(uv, rng, rate):
    """Swap left/right arms or legs in random single frames, in place.

    Args:
        uv (np.ndarray): Pixel coordinates (T, 18, 2).
        rng (np.random.Generator): Random generator.
        rate (float): Chance per frame and limb pair.
    """
    for right, left in SWAP_PAIRS:
        frames = rng.random(len(uv)) < rate
        uv[np.ix_(frames, right + left)] = uv[np.ix_(frames, left + right)]


def _kth_clip(action, num, traits, zoom, rng):
    """Animate one KTH clip and detect it like OpenPose on 160x120 video.

    Args:
        action (str): One of ``KTH_ACTIONS``.
        num (int): Number of frames.
        traits (dict): Subject's ``size``, ``tempo`` and ``swing`` factors.
        zoom (float): Size change over the clip (scenario d2 zooms).
        rng (np.random.Generator): Random generator.

    Returns:
        np.ndarray: Poses (T, 18, 2) float32, (0, 0) where not detected.
    """
    width, height = KTH_SIZE
    t = np.arange(num) / KTH_FPS
    pose = _rest_pose(num)
    tempo = traits['tempo'] * rng.uniform(0.9, 1.1)
    phase = rng.uniform(0, 2 * np.pi)
    if action in GAIT:
        size = traits['size'] * rng.uniform(50, 72)
        hz, hip, knee, arm, elbow, lean, speed = GAIT[action]
        _gait(pose, t,
              (hz * tempo, hip, knee, arm * traits['swing'], elbow, lean),
              np.ones(num), phase)
        # Cross the frame, stay out of view briefly, come back the other way.
        span = width + 0.5 * size
        cross = span / (speed * tempo * size)
        period = cross + rng.uniform(0.1, 0.4)
        clock = t + rng.uniform(0, 0.3) * period
        lap = np.floor(clock / period)
        direction = rng.choice([-1.0, 1.0]) * (-1.0)**lap
        progress = np.clip((clock - lap * period) / cross, 0, 1)
        cx = width / 2 + direction * span * (progress - 0.5)
        pose['yaw'] += direction * (np.pi / 2 + 0.15 * rng.standard_normal())
    else:
        size = traits['size'] * rng.uniform(68, 92)
        cx = rng.uniform(0.3, 0.7) * width + 2 * _smooth_noise(rng, num, 25)
        if action == 'boxing':
            # Side-on guard; fists alternately shoot forward and come back.
            pose['yaw'] += rng.choice([-1, 1]) * rng.uniform(0.5, 1.3)
            hz = tempo * rng.uniform(0.8, 1.3)
            cycle = 2 * np.pi * hz * t[:, None] + phase + np.array([0, np.pi])
            punch = np.maximum(np.sin(cycle), 0)**3
            pose['arm_flex'] += 0.45 + 1.1 * punch
            pose['elbow'] += 1.9 - 1.95 * punch
            pose['arm_abd'] -= 0.1 * punch
            pose['thigh_flex'] += np.array([0.15, -0.15])
            pose['knee'] += 0.2 + 0.08 * np.sin(4 * np.pi * hz * t)[:, None]
        elif action == 'handclapping':
            # Forearms close until the wrists meet in front of the chest.
            pose['yaw'] += 0.25 * rng.standard_normal()
            hz = tempo * rng.uniform(1.5, 2.5)
            clap = ((1 + np.cos(2 * np.pi * hz * t + phase)) / 2)[:, None]**2
            pose['arm_flex'] += 0.5
            pose['arm_abd'] -= 0.33
            pose['elbow'] += 0.75
            pose['fore_abd'] += 0.55 - 0.9 * clap
        else:
            # Both arms raised, forearms sweeping side to side overhead.
            pose['yaw'] += 0.25 * rng.standard_normal()
            hz = tempo * rng.uniform(0.8, 1.5)
            wave = np.sin(2 * np.pi * hz * t + phase)[:, None]
            pose['arm_abd'] += 2.1 + 0.15 * wave
            pose['arm_flex'] += 0.15
            pose['fore_abd'] += 0.65 + 0.55 * wave
    _fidget(pose, rng, 0.03)
    world = _skeleton(pose)
    scale = size * np.linspace(1.0, zoom, num)[:, None]
    ground = rng.uniform(min(size * zoom + 5, height - 3), height - 3)
    uv = np.stack(
        [cx[:, None] + scale * world[..., 0], ground - scale * world[..., 1]],
        axis=-1)
    sigma = 0.5 + 0.012 * scale[..., None] * JITTER[:, None]
    uv += rng.standard_normal(uv.shape) * sigma
    _swap_limbs(uv, rng, 0.01)
    base = MISS_RATE.copy()
    base[16:] = 0.25  # OpenPose often misses ears at KTH's low resolution
    missed = _runs(rng, (num, 18), _miss_rate(world, base, 0.8), 4)
    missed |= _runs(rng, (num, 1), 0.02, 3)  # the whole person is missed
    outside = ((uv < 0) | (uv >= np.array([width, height]))).any(-1)
    uv[missed | outside] = 0.0
    return uv.astype(np.float32)


def _kaggle_motion(fall, t, rng):
    """Choose and animate one Kaggle activity.

    Non-falls mix standing, walking, sitting down (some fast), bending,
    crouching, lying still and lying down slowly. Falls start standing or
    walking and topple at a random time: mostly a fast full fall, some a
    slow partial slump or a fast fall onto the buttocks.

    Args:
        fall (bool): Whether to animate a fall.
        t (np.ndarray): Times in seconds, shape (T, ).
        rng (np.random.Generator): Random generator.

    Returns:
        tuple: Joint angles (dict), walking speed along the heading in
        body heights per second (T, ), and the time at which the body
        starts to topple (None if it never does).
    """
    num, length = len(t), len(t) / KAGGLE_FPS
    pose = _rest_pose(num)
    kind = 'fall' if fall else rng.choice(NO_FALL_KINDS, p=NO_FALL_WEIGHTS)
    walking = kind == 'walk' or (fall and rng.random() < 0.5)
    if walking:
        # Walk across the view rather than straight at the camera.
        pose['yaw'] += rng.choice([-1, 1]) * rng.uniform(0.5, 2.6)
    else:
        pose['yaw'] += rng.uniform(-np.pi, np.pi)
    envelope = np.full(num, float(walking))
    topple = None
    if kind == 'fall':
        style = rng.choice(list(FALL_SECONDS), p=FALL_WEIGHTS)
        duration = rng.uniform(*FALL_SECONDS[style])
        topple = rng.uniform(0.05, 0.8) * max(length - duration - 0.3, 0.0)
        envelope *= 1 - _ramp(t, topple - 0.4, 0.4)
        s = np.clip((t - topple) / duration, 0, 1)
        # Toppling under gravity accelerates until the body hits the floor.
        drop = (1 - np.cos(np.pi / 2 * s))[:, None]
        if style == 'full':
            bend = rng.uniform(0.2, 0.9)
            pose['tilt'] += rng.uniform(1.35, 1.6) * drop[:, 0]
            pose['knee'] += bend * drop
            pose['thigh_flex'] += 0.5 * bend * drop
            # Arms fly out to break the fall, then relax on the floor.
            relax = 1 - 0.6 * _ramp(t, topple + duration + 0.4, 1.5)[:, None]
            pose['arm_flex'] += rng.uniform(0.8, 1.6) * drop * relax
            pose['arm_abd'] += 0.6 * drop * relax
        elif style == 'slow':
            ease = _ramp(t, topple, duration)[:, None]
            pose['knee'] += rng.uniform(1.4, 2.1) * ease
            pose['thigh_flex'] += rng.uniform(0.6, 1.2) * ease
            pose['pitch'] += 0.3 * ease[:, 0]
            pose['tilt'] += rng.uniform(0.7, 1.2) * ease[:, 0]
        else:
            pose['thigh_flex'] += rng.uniform(1.3, 1.6) * drop
            pose['knee'] += rng.uniform(0.1, 0.6) * drop
            pose['pitch'] -= rng.uniform(0.0, 0.4) * drop[:, 0]
            pose['tilt'] += rng.uniform(0.1, 0.5) * drop[:, 0]
    elif kind == 'stand':
        # Occasional gestures of one arm and shifts of weight.
        gesture = np.clip(_smooth_noise(rng, num, 30), 0, None)
        arm = rng.integers(2)
        pose['arm_flex'][:, arm] += 0.6 * gesture
        pose['elbow'][:, arm] += 0.8 * gesture
        pose['roll'] += 0.03 * _smooth_noise(rng, num, 40)
    elif kind == 'walk' and rng.random() < 0.3:
        envelope *= 1 - _ramp(t, rng.uniform(0.3, 0.8) * length, 0.5)
    elif kind in ('sit', 'crouch', 'bend'):
        fast = kind == 'sit' and rng.random() < 0.3
        down = rng.uniform(0.35, 0.6) if fast else rng.uniform(0.7, 1.8)
        hold = rng.uniform(0.3, 2.0)
        start = rng.uniform(0.05, 0.6) * max(length - down, 0.0)
        amount = _ramp(t, start, down)
        if kind == 'bend' or rng.random() < 0.35:
            amount = amount - _ramp(t, start + down + hold, down * 1.2)
        amount = amount[:, None]
        if kind == 'sit':
            # Hips drop to chair height, thighs level, torso upright; people
            # lean forward while lowering themselves.
            seat = rng.uniform(1.3, 1.6)
            lean = np.sin(np.pi * np.clip((t - start) / down, 0, 1))
            pose['thigh_flex'] += seat * amount
            pose['knee'] += seat * amount
            pose['pitch'] += 0.45 * lean + 0.1 * amount[:, 0]
            pose['arm_flex'] += 0.4 * amount
        elif kind == 'crouch':
            pose['thigh_flex'] += rng.uniform(1.9, 2.2) * amount
            pose['knee'] += rng.uniform(2.2, 2.5) * amount
            pose['pitch'] += rng.uniform(0.3, 0.6) * amount[:, 0]
            pose['arm_flex'] += 0.9 * amount
        else:
            # Torso tips forward with arms hanging down to pick something up.
            tip, knee = rng.uniform(1.1, 1.5), rng.uniform(0.1, 0.7)
            pose['pitch'] += tip * amount[:, 0]
            pose['knee'] += knee * amount
            pose['thigh_flex'] += 0.5 * knee * amount
            pose['arm_flex'] += (tip + 0.2) * amount
    elif kind == 'lie':
        topple = 0.0
        bend = rng.uniform(0.0, 1.0, 2)
        pose['tilt'] += rng.uniform(1.45, 1.65)
        pose['knee'] += bend
        pose['thigh_flex'] += 0.6 * bend
        pose['arm_abd'] += rng.uniform(0.0, 1.2, 2)
    elif kind == 'lie_down':
        # Squat first, then roll down onto the floor while stretching out.
        squat, roll = rng.uniform(1.0, 2.0), rng.uniform(1.5, 3.0)
        start = rng.uniform(0.05, 0.5) * max(length - squat - roll, 0.0)
        topple = start + squat
        bend = _ramp(t, start, squat)[:, None]
        lower = _ramp(t, topple, roll)[:, None]
        pose['thigh_flex'] += 1.6 * bend - 1.4 * lower
        pose['knee'] += 2.0 * bend - 1.8 * lower
        pose['pitch'] += 0.3 * (bend - lower)[:, 0]
        pose['tilt'] += rng.uniform(1.45, 1.6) * lower[:, 0]
    if walking:
        _gait(pose, t, GAIT['walking'][:6], envelope,
              rng.uniform(0, 2 * np.pi))
    _fidget(pose, rng, 0.04)
    return pose, envelope * rng.uniform(0.6, 0.9), topple


def _reflect(x, low, high):
    """Fold a 1-D path into [low, high], like a walker turning at walls.

    Args:
        x (np.ndarray): Unbounded positions.
        low (float): Lower bound.
        high (float): Upper bound.

    Returns:
        tuple: Folded positions and the direction factor (+1 or -1).
    """
    span = high - low
    r = np.mod(x - low, 2 * span)
    back = r > span
    return low + np.where(back, 2 * span - r, r), np.where(back, -1.0, 1.0)


def _kaggle_clip(fall, num, rng):
    """Animate one Kaggle clip and detect it like a COCO-17 detector.

    Args:
        fall (bool): Whether the clip shows a fall.
        num (int): Number of frames.
        rng (np.random.Generator): Random generator.

    Returns:
        tuple: Pixel coordinates (T, 18, 2), confidences (T, 18) and a mask
        (T, ) of frames in which the person was detected.
    """
    width, height = KAGGLE_SIZE
    t = np.arange(num) / KAGGLE_FPS
    pose, speed, topple = _kaggle_motion(fall, t, rng)
    size = rng.uniform(300, 700)
    ground = rng.uniform(size + 40, height - 20)
    # Walk within the room, turning (briefly facing the camera) at its ends.
    low, high = 0.1 * width + 0.4 * size, 0.9 * width - 0.4 * size
    yaw = pose['yaw'][0]
    start = rng.uniform(low, high)
    path = start + size * np.cumsum(speed * np.sin(yaw)) / KAGGLE_FPS
    cx, direction = _reflect(path, low, high)
    turn = np.convolve(
        np.pad(direction, 5, mode='edge'), np.ones(11) / 11, mode='valid')
    pose['yaw'] = np.arctan2(turn * np.sin(yaw), np.cos(yaw))
    # Topple mostly across the view, towards the middle of the frame.
    pose['tilt_axis'] = float(np.clip(0.45 * rng.standard_normal(), -1.2, 1.2))
    if topple is not None:
        at = min(int(topple * KAGGLE_FPS), num - 1)
        pose['tilt'] *= 1.0 if cx[at] > width / 2 else -1.0
    world = _skeleton(pose)
    uv = np.stack(
        [cx[:, None] + size * world[..., 0], ground - size * world[..., 1]],
        axis=-1)
    uv += rng.standard_normal(uv.shape) * (0.005 * size * JITTER)[:, None]
    _swap_limbs(uv, rng, 0.008)
    # A modern COCO detector misses fewer joints than OpenPose on KTH.
    rate = _miss_rate(world, MISS_RATE * rng.uniform(0.3, 0.8), 0.4)
    low_conf = _runs(rng, (num, 18), rate, 4)
    conf = 0.7 + 0.3 * rng.beta(5.0, 1.6, (num, 18))
    # Lying bodies are an unusual view, so the detector is less sure.
    lying = np.clip(
        1 - (world[:, 1, 1] - world[:, [8, 11], 1].mean(1)) / TORSO, 0, 1)
    conf -= 0.2 * lying[:, None] * rng.random((num, 18))
    # An occluded joint is guessed: either far off or on a nearby joint.
    snapped = uv[:, NEAREST] + rng.standard_normal(uv.shape) * 0.01 * size
    wild = uv + rng.standard_normal(uv.shape) * 0.06 * size
    guess = np.where(rng.random((num, 18, 1)) < 0.5, snapped, wild)
    uv = np.where(low_conf[..., None], guess, uv)
    conf = np.where(low_conf, rng.uniform(0.0, 0.3, (num, 18)), conf)
    uv = np.clip(uv, 0, np.array([width - 1, height - 1]))
    detected = ~_runs(rng, (num, ), 0.05, 4)
    detected[0] = True  # clips start at frame 1
    return uv, conf, detected


def _write_kaggle_csv(path, uv, conf, detected):
    """Write one clip's detected frames, mapped onto COCO-17.

    Args:
        path (str): Output CSV path.
        uv (np.ndarray): Pixel coordinates (T, 18, 2) in OpenPose order.
        conf (np.ndarray): Confidences (T, 18) in OpenPose order.
        detected (np.ndarray): Frames (T, ) to write; others are omitted.
    """
    frames = np.flatnonzero(detected)
    write_kaggle_csv(path, frames + 1, uv[frames][:, KAGGLE_FROM_OPENPOSE],
                     conf[frames][:, KAGGLE_FROM_OPENPOSE])


def generate_kth(out_dir, num_videos, rng, verbose=True):
    """Write KTH-style OpenPose sequences to ``out_dir/kth_poses``.

    Videos cycle through the six actions; the k-th video of an action gets
    subject ``person{k % 25 + 1:02d}`` and scenario ``d{k % 4 + 1}``, so ids
    stay unique up to 100 videos per action (then subjects go past 25).

    Args:
        out_dir (str): Root output directory.
        num_videos (int): Number of ``.npz`` files to write.
        rng (np.random.Generator): Random generator.
        verbose (bool): Whether to show a progress bar.

    Returns:
        list[str]: Paths of the written files.
    """
    folder = osp.join(out_dir, 'kth_poses')
    os.makedirs(folder, exist_ok=True)
    subjects, paths = {}, []
    bar = ProgressBar(num_videos) if verbose else None
    for i in range(num_videos):
        action, k = KTH_ACTIONS[i % len(KTH_ACTIONS)], i // len(KTH_ACTIONS)
        number, scenario = k % 25 + 1 + 25 * (k // 100), k % 4 + 1
        if number not in subjects:
            # Each subject keeps a body size and a personal style of moving.
            subjects[number] = dict(
                size=rng.uniform(0.9, 1.1),
                tempo=rng.uniform(0.9, 1.1),
                swing=rng.uniform(0.8, 1.2))
        subject = f'person{number:02d}'
        video_id = f'{subject}_{action}_d{scenario}'
        num = int(np.clip(round(rng.lognormal(np.log(150), 0.35)), 40, 300))
        zoom = rng.uniform(0.8, 1.25) if scenario == 2 else 1.0
        poses = _kth_clip(action, num, subjects[number], zoom, rng)
        meta = dict(
            video_id=video_id,
            action=action,
            subject=subject,
            scenario=f'd{scenario}',
            fps=KTH_FPS,
            frame_count=num,
            duration=num / KTH_FPS,
            source=f'{action}/{video_id}_uncomp.avi',
            model='synthetic-stick-figure')
        path = osp.join(folder, f'{video_id}.npz')
        save_kth_npz(path, poses,
                     (np.arange(num) / KTH_FPS).astype(np.float32), meta)
        paths.append(path)
        if bar:
            bar.update()
    return paths


def generate_kaggle(out_dir, per_class, header_only, rng, verbose=True):
    """Write Kaggle-style fall keypoint CSVs to ``out_dir/kaggle_fall``.

    Files are ``S_F_0001_keypoints.csv``... under ``Fall/Keypoints_CSV`` and
    ``S_N_0001_keypoints.csv``... under ``No_Fall/Keypoints_CSV``, plus
    ``EMPTY_000_keypoints.csv``... holding only the header (no person was
    detected), alternating between Fall (even) and No_Fall (odd).

    Args:
        out_dir (str): Root output directory.
        per_class (int): Number of non-empty CSVs per class.
        header_only (int): Total number of header-only CSVs.
        rng (np.random.Generator): Random generator.
        verbose (bool): Whether to show a progress bar.

    Returns:
        list[str]: Paths of the written files.
    """
    labels = ('Fall', 'No_Fall')
    folders = {
        label: osp.join(out_dir, 'kaggle_fall', label, 'Keypoints_CSV')
        for label in labels
    }
    for folder in folders.values():
        os.makedirs(folder, exist_ok=True)
    jobs = [(label, f'S_{label[0]}_{i:04d}') for label in labels
            for i in range(1, per_class + 1)]
    jobs += [(labels[i % 2], f'EMPTY_{i:03d}') for i in range(header_only)]
    paths = []
    bar = ProgressBar(len(jobs)) if verbose else None
    for label, name in jobs:
        path = osp.join(folders[label], f'{name}_keypoints.csv')
        if name.startswith('EMPTY'):
            with open(path, 'w', newline='') as f:
                f.write(CSV_HEADER + '\n')
        else:
            num = int(np.clip(round(rng.lognormal(np.log(60), 0.55)), 16, 300))
            _write_kaggle_csv(path, *_kaggle_clip(label == 'Fall', num, rng))
        paths.append(path)
        if bar:
            bar.update()
    return paths
