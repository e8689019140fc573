"""Object boxes (``object_box_file``) reach the model with the frames'
resizing and flips (``WithObjectBoxes``), or not at all without a file."""
import numpy as np
from mmaction.datasets.transforms import Flip, Resize

from ftplugin.datasets import AVACustomDataset
from ftplugin.datasets.transforms import WithObjectBoxes
# the one-video data root of the dataset tests (keyframes 2W x 2H)
from test_ava_custom_dataset import H, W, _write, data_root  # noqa: F401


def results(objects=True, proposals=True):
    out = dict(imgs=[np.zeros((10, 20, 3), np.uint8)], img_shape=(10, 20),
               gt_bboxes=np.array([[0., 0., 4., 4.]], np.float32),
               modality='RGB')
    if proposals:
        out['proposals'] = np.array([[2., 2., 6., 8.]], np.float32)
    if objects:
        out['object_bboxes'] = np.array([[10., 0., 20., 10.],
                                         [1., 1., 2., 2.]], np.float32)
    return out


def test_objects_move_exactly_as_the_person_boxes():
    geometry = [dict(type='Resize', scale=(40, 20), keep_ratio=False),
                dict(type='Flip', flip_ratio=1.0)]
    out = WithObjectBoxes(geometry)(results())
    plain = Flip(flip_ratio=1.0)(Resize(scale=(40, 20), keep_ratio=False)(
        results(objects=False)))
    np.testing.assert_array_equal(out['proposals'], plain['proposals'])
    np.testing.assert_array_equal(out['gt_bboxes'], plain['gt_bboxes'])
    # x2 then mirrored in a 40-pixel-wide frame
    np.testing.assert_allclose(out['object_bboxes'],
                               [[0, 0, 20, 20], [36, 2, 38, 4]])
    # training: no person proposals, the objects still move
    train = WithObjectBoxes(geometry)(results(proposals=False))
    assert 'proposals' not in train
    np.testing.assert_allclose(train['object_bboxes'][0], [0, 0, 20, 20])
    # no object boxes: just the transforms
    assert 'object_bboxes' not in WithObjectBoxes(geometry)(
        results(objects=False))


def test_dataset_object_box_file(data_root):  # noqa: F811
    _write(data_root / 'boxes' / 'objects.json', [
        dict(image_id='a', bbox=[0, 0, 8, 8], score=0.2),
        dict(image_id='a', bbox=[4, 4, 8, 8], score=0.9)])
    pipeline = [dict(type='WithObjectBoxes', transforms=[
        dict(type='Resize', scale=(2 * W, 2 * H), keep_ratio=False)]),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', meta_keys=(
            'img_shape', 'video_id', 'timestamp', 'object_bboxes'))]
    dataset = AVACustomDataset(
        'annotations/guide.json', data_root=str(data_root), frame_num=2,
        frame_sample_rate=1, object_box_file='boxes/objects.json',
        pipeline=pipeline)
    first = dataset[0]['data_samples']
    # keyframe pixels -> decoded (half size) -> resized back: highest score
    # first
    np.testing.assert_allclose(first.object_bboxes,
                               [[4, 4, 12, 12], [0, 0, 8, 8]], atol=1e-5)
    assert (first.video_id, first.timestamp) == ('vid', 0)
    assert dataset[1]['data_samples'].object_bboxes.shape == (0, 4)
    plain = AVACustomDataset(
        'annotations/guide.json', data_root=str(data_root), frame_num=2,
        frame_sample_rate=1, pipeline=pipeline)
    assert 'object_bboxes' not in plain[0]['data_samples']
