"""Frame mAP on a case computed by hand, and the predictions CSV."""
import numpy as np
import pytest
import torch

from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv
from ftplugin.evaluation.metrics import FrameMAPMetric
from ftplugin.evaluation.metrics.frame_map_metric import (
    average_precision, frame_average_precision)


def test_average_precision_by_hand():
    # ranked: TP, FP, TP with 3 GT: precision 1, 1/2, 2/3 at recall 1/3,
    # 1/3, 2/3 -> AP = 1/3 * 1 + 1/3 * 2/3 = 5/9
    ap = average_precision(np.array([0.9, 0.8, 0.7]),
                           np.array([True, False, True]), 3)
    assert ap == pytest.approx(5 / 9)


def test_frame_ap_matching_duplicates_and_iou():
    gt = [np.array([[0, 0, 10, 10]], float), np.array([[0, 0, 10, 10]],
                                                      float)]
    dets = [(np.array([[0, 0, 10, 10], [1, 1, 10, 10]], float),
             np.array([0.9, 0.8])),  # the second is a duplicate: FP
            (np.array([[5, 5, 15, 15]], float), np.array([0.95]))]  # IoU .14
    # ranking: 0.95 FP, 0.9 TP, 0.8 FP; 2 GT -> AP = 1/2 * 1/2 = 0.25
    assert frame_average_precision(dets, gt, 0.5) == pytest.approx(0.25)
    assert frame_average_precision(dets, [np.zeros((0, 4))] * 2) is None


def _sample(video, ts, boxes, scores, gt_boxes, gt_labels):
    return dict(img_shape=(10, 20), video_id=video, timestamp=ts,
                pred_instances=dict(bboxes=torch.tensor(boxes),
                                    scores=torch.tensor(scores)),
                gt_instances=dict(bboxes=torch.tensor(gt_boxes),
                                  labels=torch.tensor(gt_labels)))


def test_metric_names_classes_without_gt_and_csv(tmp_path):
    csv_file = str(tmp_path / 'pred.csv')
    metric = FrameMAPMetric(csv_file=csv_file)
    metric.dataset_meta = dict(classes=('a', 'b', 'c'),
                               category_ids=(10, 20, 30))
    # two people in one keyframe (pixels of a 20x10 input; predictions
    # normalised): class a on person 1, class b on person 2, no class c
    metric.process(None, [_sample(
        'v', 3, [[0, 0, .5, 1], [.5, 0, 1, 1]], [[.9, .2, .1], [.3, .8, .1]],
        [[0, 0, 10, 10], [10, 0, 20, 10]], [[1., 0, 0], [0, 1, 0]])])
    result = metric.evaluate(1)
    assert result['mAP/a'] == 1.0 and result['mAP/b'] == 1.0
    assert 'mAP/c' not in result
    assert result['mAP/classes_without_gt'] == 1
    assert result['mAP/overall'] == 1.0
    assert result['mAP/constant_baseline'] == pytest.approx(0.5)
    rows = read_predictions_csv(csv_file)
    assert len(rows) == 6
    assert rows[0] == ('v', 3, 0.0, 0.0, 0.5, 1.0, 10, 0.9)
    assert {r[6] for r in rows} == {10, 20, 30}
