import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from ...datasets.formats.ava_predictions_csv import write_predictions_csv


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU (n, m) of x1y1x2y2 boxes."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).clip(0).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).clip(0).prod(-1)
    union = area_a[:, None] + area_b[None] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def average_precision(scores: np.ndarray, true_positive: np.ndarray,
                      num_gt: int) -> float:
    """PASCAL VOC AP: area under the precision envelope (all points).

    Args:
        scores (np.ndarray): Detection scores.
        true_positive (np.ndarray): Whether each detection matched.
        num_gt (int): Ground-truth count (> 0).
    """
    order = np.argsort(-scores, kind='stable')
    tp = true_positive[order].astype(np.float64)
    if not len(tp):
        return 0.0
    cum_tp = np.cumsum(tp)
    recall = cum_tp / num_gt
    precision = cum_tp / np.arange(1, len(tp) + 1)
    recall = np.concatenate([[0.0], recall, [1.0]])
    precision = np.concatenate([[0.0], precision, [0.0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.flatnonzero(recall[1:] != recall[:-1]) + 1
    return float(((recall[steps] - recall[steps - 1]) *
                  precision[steps]).sum())


def frame_average_precision(detections: Sequence[tuple],
                            ground_truth: Sequence[np.ndarray],
                            iou_thr: float = 0.5) -> Optional[float]:
    """Frame AP of one class over keyframes; None without ground truth.

    Each detection, highest score first, matches the unmatched ground-truth
    box of its keyframe with the highest IoU >= ``iou_thr``; others count
    as false positives (PASCAL VOC's protocol, as AVA's).

    Args:
        detections (Sequence[tuple]): Per keyframe ``(boxes (m, 4), scores
            (m,))``.
        ground_truth (Sequence[np.ndarray]): Per keyframe boxes (n, 4) of
            this class.
        iou_thr (float): Match threshold. Defaults to 0.5.
    """
    num_gt = sum(len(g) for g in ground_truth)
    if num_gt == 0:
        return None
    all_scores, all_tp = [], []
    for (boxes, scores), gt in zip(detections, ground_truth):
        order = np.argsort(-scores, kind='stable')
        tp = np.zeros(len(scores), dtype=bool)
        if len(gt) and len(boxes):
            iou = box_iou(boxes[order], gt)
            used = np.zeros(len(gt), dtype=bool)
            for k in range(len(order)):
                cand = np.where(used, -1.0, iou[k])
                j = int(cand.argmax())
                if cand[j] >= iou_thr:
                    used[j] = True
                    tp[k] = True
        all_scores.append(scores[order])
        all_tp.append(tp)
    return average_precision(np.concatenate(all_scores),
                             np.concatenate(all_tp), num_gt)


def _array(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


@METRICS.register_module()
class FrameMAPMetric(BaseMetric):
    """Frame mAP at an IoU threshold for any label set (AVA's protocol).

    Per class, every scored box of every keyframe is a detection (as
    AlphAction writes every class score of every box); AP is PASCAL VOC's
    all-point AP. Reported: ``mAP/overall`` (the mean over classes with
    ground truth), ``mAP/<class>`` for those classes, ``mAP/
    constant_baseline`` (what a constant score per class gets when the
    boxes are the ground-truth ones: each class's share of the boxes) and
    ``mAP/classes_without_gt`` (their number; they are named in the log
    and left out of the mean, so it is never NaN).

    Args:
        iou_thr (float): IoU for a match. Defaults to 0.5.
        csv_file (str, optional): Write the predictions in AlphAction's CSV
            format (``video,timestamp,x1,y1,x2,y2,action_id,score``,
            normalised coordinates, original class ids) here.
            ``tools/test.py --dump X.pkl`` sets it to ``X.csv``.
        score_thr (float): Rows of the CSV below this score are left out
            (AlphAction's ``TEST.ACTION_THRESH``). Defaults to 0.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to None.
    """

    # the names carry their own 'mAP/' prefix
    default_prefix = ''

    def __init__(self,
                 iou_thr: float = 0.5,
                 csv_file: Optional[str] = None,
                 score_thr: float = 0.0,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.iou_thr = float(iou_thr)
        self.csv_file = csv_file
        self.score_thr = float(score_thr)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for ds in data_samples:
            height, width = ds['img_shape']
            size = np.array([width, height, width, height], np.float64)
            gt = ds.get('gt_instances', {})
            gt_boxes = _array(gt.get('bboxes', np.zeros((0, 4))))
            pred = ds['pred_instances']
            self.results.append(dict(
                video=ds.get('video_id'), timestamp=ds.get('timestamp'),
                boxes=_array(pred['bboxes']).reshape(-1, 4),
                scores=_array(pred['scores']),
                gt_boxes=gt_boxes.reshape(-1, 4) / size,
                gt_labels=_array(gt.get('labels', np.zeros((0, 0))))))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        meta = self.dataset_meta or {}
        num_classes = max([r['scores'].shape[-1] for r in results
                           if r['scores'].ndim == 2] or [0])
        classes = list(meta.get('classes') or
                       [str(i) for i in range(num_classes)])
        metrics, missing, shares = {}, [], []
        total_boxes = sum(len(r['gt_boxes']) for r in results)
        for c, name in enumerate(classes):
            detections = [(r['boxes'], r['scores'].reshape(
                len(r['boxes']), -1)[:, c]) for r in results]
            truth = [r['gt_boxes'][r['gt_labels'][:, c] > 0]
                     if len(r['gt_labels']) else np.zeros((0, 4))
                     for r in results]
            ap = frame_average_precision(detections, truth, self.iou_thr)
            if ap is None:
                missing.append(name)
                continue
            metrics[f'mAP/{name}'] = ap
            shares.append(sum(len(t) for t in truth) / total_boxes)
        if missing:
            print_log(f'FrameMAPMetric: {len(missing)} class(es) have no '
                      f'ground truth here and are left out of mAP/overall: '
                      f'{", ".join(missing)}', logger='current',
                      level=logging.WARNING)
        per_class = list(metrics.values())
        metrics['mAP/overall'] = (float(np.mean(per_class)) if per_class
                                  else 0.0)
        metrics['mAP/constant_baseline'] = (float(np.mean(shares))
                                            if shares else 0.0)
        metrics['mAP/classes_without_gt'] = len(missing)
        if self.csv_file:
            self.write_csv(results, meta.get('category_ids') or list(
                range(len(classes))))
        return metrics

    def write_csv(self, results: List[dict],
                  category_ids: Sequence[int]) -> None:
        """Write the predictions in AlphAction's CSV format."""
        def rows():
            for r in results:
                for box, scores in zip(r['boxes'], r['scores'].reshape(
                        len(r['boxes']), -1)):
                    for c, score in enumerate(scores):
                        if score >= self.score_thr:
                            yield (r['video'], r['timestamp'], *box,
                                   category_ids[c], score)

        count = write_predictions_csv(self.csv_file, rows())
        print_log(f'FrameMAPMetric: {count} prediction rows written to '
                  f'{osp.abspath(self.csv_file)}', logger='current')
