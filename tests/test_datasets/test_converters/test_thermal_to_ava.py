"""The thermal -> ava_custom converter on a tiny recording."""
import json

import h5py
import numpy as np
import pytest

from ftplugin.datasets import AVACustomDataset
from ftplugin.datasets.converters.thermal_to_ava import (convert_thermal,
                                                  resample_seconds)
from ftplugin.datasets.formats.ava_annotations_json import load_ava_annotations


def test_resample_seconds_picks_the_nearest_frames():
    stamps = np.array([0, 100, 600, 1000, 1900])
    index = resample_seconds(stamps, 2)
    # targets 0, 500, 1000, 1500 ms
    assert index.tolist() == [[0, 2], [3, 4]]


@pytest.fixture()
def thermal(tmp_path):
    src = tmp_path / 'thermal'
    (src / 'frames').mkdir(parents=True)
    (src / 'annotations').mkdir()
    stamps = np.arange(0, 3000, 250, dtype=np.int64) + 10_000  # 4 fps, 3 s
    frames = np.full((len(stamps), 4, 6), 25.0, np.float32)
    with h5py.File(src / 'frames' / 'S1.h5', 'w') as f:
        f['frames'] = frames
        f['timestamps'] = stamps
    cats = [dict(id=0, name='sit'), dict(id=1, name='stand')]

    def image(i, ts, sensor='S1'):
        return dict(id=f'{sensor}_{ts}', sensor_id=sensor, timestamp=ts,
                    frame_idx=i, width=6, height=4)

    train = dict(images=[image(0, 10_000), image(5, 11_250),
                         image(4, 11_000), image(0, 10_000, 'GONE')],
                 annotations=[
                     dict(id=0, image_id='S1_10000', bbox=[0.5, 0.5, 0.5,
                                                           0.5],
                          category_id=1, object_id=3),
                     dict(id=1, image_id='S1_11250', bbox=[0.25, 0.5, 0.5,
                                                           1.0],
                          category_id=0, object_id=3),
                     dict(id=2, image_id='S1_11000', bbox=[0.25, 0.5, 0.5,
                                                           1.0],
                          category_id=0, object_id=3),
                     dict(id=3, image_id='GONE_10000', bbox=[.5, .5, .1, .1],
                          category_id=0, object_id=1)],
                 categories=cats)
    val = dict(images=[image(8, 12_000)],
               annotations=[dict(id=0, image_id='S1_12000',
                                 bbox=[0.5, 0.5, 0.5, 0.5], category_id=1,
                                 object_id=4)],
               categories=cats)
    for name, data in (('train', train), ('val', val)):
        (src / 'annotations' / f'{name}.json').write_text(json.dumps(data))
    return src


def test_convert_layout_boxes_and_report(thermal, tmp_path):
    out = tmp_path / 'ava'
    report = convert_thermal(str(thermal), str(out), fps=4)
    assert report['missing_recordings'] == {'GONE': {'train': 1, 'val': 0}}
    assert report['clips'] == 3
    # 11.25 s and 11.0 s both go to second 1: the nearer (11.0) is kept
    assert report['splits']['train'] == dict(keyframes=2, boxes=2,
                                             dropped_same_second=1)
    ann = load_ava_annotations(str(out / 'annotations' / 'train.json'))
    assert [(s['video'], s['timestamp']) for s in ann['samples']] == [
        ('S1', 0), ('S1', 1)]
    # centre (0.5, 0.5) size (0.5, 0.5) of 6x4 -> x 1.5..4.5, y 1..3
    np.testing.assert_allclose(ann['samples'][0]['gt_bboxes'],
                               [[1.5, 1, 4.5, 3]])
    boxes = json.loads((out / 'boxes' / 'val_person_bbox.json').read_text())
    assert boxes == [dict(image_id='S1_12000', bbox=[1.5, 1.0, 3.0, 2.0],
                          score=1.0)]
    dataset = AVACustomDataset('annotations/val.json', data_root=str(out),
                               box_file='boxes/val_person_bbox.json',
                               frame_num=4, frame_sample_rate=2,
                               test_mode=True)
    sample = dataset[0]
    assert sample['imgs'].shape == (4, 4, 6, 3)
    # 25 degrees in the (5, 45) range: grey 128 (mp4 is lossy)
    assert abs(float(sample['imgs'].mean()) - 127.5) < 6
