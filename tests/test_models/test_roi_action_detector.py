"""RoIActionDetector on a tiny SlowOnly: loss and predict shapes, scores
that follow the box and the clip, learning, ONNX outputs; with IA memory,
the training pool (written after each loss, never read for the keyframe
itself or from another video) and the test pool."""
import pytest
import torch
from mmengine.structures import InstanceData
from tiny_roi_detector import HEIGHT, K, MEMORY_IA, WIDTH, batch, detector

def losses(model, data):
    model.train()
    return model(**model.data_preprocessor(data, True), mode='loss')


def predict(model, data):
    model.eval()
    with torch.no_grad():
        return model(**model.data_preprocessor(data, False), mode='predict')


def test_loss_predict_shapes_and_scores_follow_box_and_clip():
    model = detector()
    data = batch([('a', 1), ('b', 1)], (2, 1))
    loss = losses(model, data)
    assert set(loss) == {'loss_action'} and loss['loss_action'].ndim == 0
    out = predict(model, batch([('a', 1), ('b', 1)], (2, 1), test=True))
    assert [len(o.pred_instances.bboxes) for o in out] == [2, 1]
    scores = out[0].pred_instances.scores
    assert scores.shape == (2, K) and ((scores > 0) & (scores < 1)).all()
    proposals = out[0].proposals.bboxes
    size = torch.tensor([WIDTH, HEIGHT, WIDTH, HEIGHT])
    assert torch.allclose(out[0].pred_instances.bboxes, proposals / size)
    # the same box scores differently in another clip or at another place,
    # and the same in the same clip at the same place
    one = batch([('a', 1), ('b', 1)], (1, 1), test=True)
    box = torch.tensor([[2., 2., 14., 16.]])
    for sample in one['data_samples']:
        sample.proposals = InstanceData(bboxes=box.clone())
    first = [o.pred_instances.scores for o in predict(model, one)]
    assert not torch.allclose(first[0], first[1], atol=1e-5)
    one['inputs'] = one['inputs'][::-1]  # swap the clips
    second = [o.pred_instances.scores for o in predict(model, one)]
    assert torch.allclose(second[0], first[1], atol=1e-6)
    one['data_samples'][0].proposals = InstanceData(
        bboxes=torch.tensor([[18., 8., 30., 22.]]))
    moved = predict(model, one)[0].pred_instances.scores
    assert not torch.allclose(moved, second[0], atol=1e-5)


def test_trains_and_onnx_outputs_match_predict():
    model = detector()
    data = batch([('a', 1), ('b', 1)], (2, 2))
    optim = torch.optim.Adam(model.parameters(), lr=1e-2)
    start = float(losses(model, data)['loss_action'].detach())
    for _ in range(15):
        optim.zero_grad()
        losses(model, data)['loss_action'].backward()
        optim.step()
    assert float(losses(model, data)['loss_action'].detach()) < 0.7 * start
    test = batch([('a', 1), ('b', 1)], (2, 2), test=True)
    expected = torch.stack([o.pred_instances.scores
                            for o in predict(model, test)])
    prep = model.data_preprocessor(test, False)
    clips = prep['inputs'][:, 0]
    boxes = torch.stack([s.proposals.bboxes for s in prep['data_samples']])
    with torch.no_grad():
        (scores, ) = model.onnx_outputs(clips, boxes)
    assert torch.allclose(scores, expected, atol=1e-6)


def test_rejects_several_views():
    model = detector()
    with pytest.raises(ValueError, match='one view'):
        model.extract_feat(torch.zeros(1, 2, 3, 2, HEIGHT, WIDTH))


def poison(pool, video, ts, value=float('nan'), persons=2):
    pool.write(video, ts, torch.full((persons, 8), value))


def test_memory_is_written_after_the_loss_and_never_read_for_itself():
    model = detector(ia=MEMORY_IA)
    pool = model.ia.memory_pool
    data = batch([('a', 5), ('b', 5)], (2, 1))
    losses(model, data)
    assert len(pool) == 2 and pool.get('a', 5)[0].shape == (2, 8)
    assert model.ia.last_loss is not None
    # a NaN in the keyframe's own entry, in another video's entries at the
    # neighbouring seconds and outside the window is never read
    poison(pool, 'a', 5)
    poison(pool, 'b', 4)
    poison(pool, 'b', 6)
    poison(pool, 'a', 7)
    one = batch([('a', 5)], (2, ))
    assert torch.isfinite(losses(model, one)['loss_action'])
    # a neighbour of the same video is read (so the test can fail)
    poison(pool, 'a', 4)
    assert torch.isnan(losses(model, one)['loss_action'])


def test_prediction_reads_the_test_pool_only():
    model = detector(ia=MEMORY_IA)
    # memory that matters: the blocks start as the identity otherwise
    with torch.no_grad():
        for p in model.cls_head.ia.parameters():
            p.normal_(0, 0.5)
    test = batch([('v', 3), ('v', 4)], (1, 1), test=True)
    with pytest.raises(RuntimeError, match='IAMemoryHook'):
        predict(model, test)
    poison(model.ia.memory_pool, 'v', 2)  # training memory: never read
    model.eval()
    model.fill_test_memory(test)
    model.ia.test_memory_ready = True
    assert len(model.ia.test_memory_pool) == 2
    out = predict(model, test)
    scores = torch.cat([o.pred_instances.scores for o in out])
    assert torch.isfinite(scores).all()
    # each keyframe read the other one: alone, the scores differ
    model.ia.test_memory_pool.clear()
    alone = torch.cat([o.pred_instances.scores for o in predict(model, test)])
    assert not torch.allclose(alone, scores, atol=1e-5)


def test_onnx_export_refuses_ia():
    model = detector(ia=dict(inner_channels=8, structure='serial',
                             blocks=['P'])).eval()
    with pytest.raises(NotImplementedError, match='without cls_head.ia'):
        model.onnx_outputs(torch.zeros(1, 3, 2, HEIGHT, WIDTH),
                           torch.tensor([[[0., 0., 8., 8.]]]))
