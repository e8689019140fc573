"""SamplePoseWindows: the first / uniform / clips / random window(s) of a
whole pose sequence, padded to clip_len."""
import numpy as np
import pytest

from ftplugin.datasets.transforms import SamplePoseWindows


def sequence(num_frames, seed=0):
    rng = np.random.default_rng(seed)
    poses = rng.uniform(10, 150, (num_frames, 18, 2)).astype(np.float32)
    valid = rng.random((num_frames, 18)) > 0.1
    return dict(keypoint=poses, keypoint_valid=valid)


def test_first_window_and_padding():
    results = sequence(200)
    poses = results['keypoint'].copy()
    out = SamplePoseWindows(clip_len=64)(results)
    assert out['keypoint'].shape == (1, 64, 18, 2)
    np.testing.assert_array_equal(out['keypoint'][0], poses[:64])
    short = SamplePoseWindows(clip_len=64)(sequence(40, seed=1))
    # the 40 frames, then the last one repeated
    assert (short['keypoint'][0, 40:] == short['keypoint'][0, 39]).all()
    assert (short['keypoint_valid'][0, 40:] ==
            short['keypoint_valid'][0, 39]).all()


def test_uniform_window_spans_the_sequence():
    transform = SamplePoseWindows(clip_len=64, sampling='uniform')
    (idx, ) = transform.window_frames(200)
    assert len(idx) == 64 and idx[0] == 0 and idx[-1] == 199
    steps = np.diff(idx)
    assert (steps > 0).all() and steps.max() - steps.min() <= 1
    results = sequence(200)
    poses = results['keypoint'].copy()
    np.testing.assert_array_equal(transform(results)['keypoint'][0],
                                  poses[idx])
    # a short sequence is padded exactly as with 'first'
    np.testing.assert_array_equal(
        transform(sequence(40, seed=1))['keypoint'],
        SamplePoseWindows(clip_len=64)(sequence(40, seed=1))['keypoint'])


def test_clips_cover_the_whole_sequence():
    results = sequence(200)
    poses = results['keypoint'].copy()
    out = SamplePoseWindows(clip_len=64, sampling='clips',
                            num_clips=4)(results)
    assert out['keypoint'].shape == (4, 64, 18, 2)
    assert out['keypoint_valid'].shape == (4, 64, 18)
    # the first window starts at 0, the last one ends at the last frame
    for clip, start in zip(out['keypoint'], [0, 45, 91, 136]):
        np.testing.assert_array_equal(clip, poses[start:start + 64])
    short = SamplePoseWindows(clip_len=64, sampling='clips',
                              num_clips=4)(sequence(40))['keypoint']
    np.testing.assert_array_equal(short[0], short[3])


def test_random_windows_move_over_the_sequence():
    transform = SamplePoseWindows(clip_len=64, sampling='random')
    np.random.seed(0)
    seen = {transform(sequence(200))['keypoint'].tobytes()
            for _ in range(20)}
    assert len(seen) > 5
    starts = {int(transform.window_frames(200)[0][0]) for _ in range(200)}
    assert min(starts) >= 0 and max(starts) <= 200 - 64
    assert len(starts) > 50


def test_a_sliding_window_is_taken_at_its_start():
    results = dict(sequence(200), start_frame=100)
    poses = results['keypoint'].copy()
    out = SamplePoseWindows(clip_len=64)(results)
    np.testing.assert_array_equal(out['keypoint'][0], poses[100:164])
    with pytest.raises(ValueError, match='start_frame'):
        SamplePoseWindows(clip_len=64, sampling='uniform')(
            dict(sequence(200), start_frame=100, filename='a.npz'))


@pytest.mark.parametrize('kwargs', [
    dict(sampling='nearest'),
    dict(sampling='first', num_clips=3),
    dict(sampling='clips', num_clips=0),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match='sampling'):
        SamplePoseWindows(**kwargs)


def test_frame_inds_are_the_frames_each_window_took():
    """Inference reports these as window spans: with a random start they
    must be the draw that cut the window, not a second one."""
    results = sequence(300, seed=2)
    poses = results['keypoint'].copy()
    out = SamplePoseWindows(clip_len=64, sampling='random')(results)
    (frames, ) = out['frame_inds']
    assert len(frames) == 64
    np.testing.assert_array_equal(out['keypoint'][0], poses[frames])
    clips = SamplePoseWindows(clip_len=64, sampling='clips', num_clips=3)(
        sequence(300))
    assert [int(f[0]) for f in clips['frame_inds']] == [0, 118, 236]
