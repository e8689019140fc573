"""MemoryPool: a keyframe's memory holds only the same video's other
keyframes, in slot order, never its own entry."""
import torch

from ftplugin.models.heads.ia import MemoryPool


def filled_pool():
    # feature value = 1000 * video + timestamp, so every read says where it
    # came from; 2 persons per keyframe
    pool = MemoryPool()
    for vid, video in enumerate(['a', 'b']):
        for ts in range(5, 16):
            pool.write(video, ts, torch.full((2, 3), 1000. * vid + ts))
    return pool


def test_reads_the_same_video_other_timestamps_in_slot_order():
    pool = filled_pool()
    feats, mask = pool.gather(['a', 'b'], [10, 6], before=2, after=3,
                              rate=1, max_per_slot=2, channels=3)
    assert feats.shape == (2, 5 * 2, 3) and mask.shape == (2, 10)
    # 'a' at 10: slots 8, 9 | 11, 12, 13, two persons each
    assert mask[0].all()
    assert feats[0, :, 0].tolist() == [8, 8, 9, 9, 11, 11, 12, 12, 13, 13]
    # 'b' at 6: slot 4 does not exist; never a value of video 'a'
    assert mask[1].tolist() == [False, False] + [True] * 8
    read = feats[1][mask[1]][:, 0]
    assert set(read.tolist()) == {1005, 1007, 1008, 1009}
    # the keyframe's own entry is never read, whatever the window
    for before, after, rate in [(1, 1, 1), (5, 5, 1), (2, 2, 2)]:
        feats, mask = pool.gather(['a'], [10], before, after, rate, 2, 3)
        values = set(feats[0][mask[0]][:, 0].tolist())
        assert 10 not in values and values
        assert all(v < 1000 for v in values)


def test_rate_cap_penalty_and_missing_video():
    pool = filled_pool()
    pool.write('a', 12, torch.arange(12.).reshape(4, 3), loss_tag=2.0)
    feats, mask = pool.gather(['a', 'zzz'], [10, 10], before=0, after=1,
                              rate=2, max_per_slot=3, channels=3)
    # rate 2: slot 12 (rewritten: the newer entry), first 3 of its 4 persons
    assert torch.equal(feats[0], torch.arange(9.).reshape(3, 3))
    assert mask[0].all() and not mask[1].any() and not feats[1].any()
    # AlphAction's penalty: scaled by min(tag, loss) / max(tag, loss)
    feats, _ = pool.gather(['a'], [10], 0, 1, 2, 3, 3, current_loss=0.5)
    assert torch.allclose(feats[0], torch.arange(9.).reshape(3, 3) * 0.25)


def test_state_dict_round_trip_is_plain_and_exact():
    pool = filled_pool()
    pool.write('b', 3, torch.randn(1, 3), loss_tag=0.7)
    state = pool.state_dict()
    other = MemoryPool()
    other.write('c', 1, torch.zeros(1, 3))
    other.load_state_dict(state)
    assert len(other) == len(pool) == 23
    assert ('c', 1) not in other and ('b', 3) in other
    for video, ts, feats, tag in state['entries']:
        assert isinstance(video, str) and isinstance(ts, int)
        got, got_tag = other.get(video, ts)
        assert torch.equal(got, feats) and got_tag == tag


def test_write_is_a_detached_copy():
    pool = MemoryPool()
    x = torch.ones(2, 3, requires_grad=True)
    y = x * 2
    pool.write('a', 0, y)
    with torch.no_grad():
        y.add_(1)
    feats, tag = pool.get('a', 0)
    assert not feats.requires_grad and tag is None
    assert torch.equal(feats, torch.full((2, 3), 2.))
