from typing import Any, Dict, List, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric


@METRICS.register_module()
class HeartRateMetric(BaseMetric):
    """Heart-rate errors in BPM over the valid steps of every workout.

    Pools all valid steps of the evaluated workouts (each step counts once,
    padding never): ``hr/mae`` (mean absolute error), ``hr/rmse``, ``hr/mse``
    (BPM squared, the masked MSE the model trains on), ``hr/mae_workout``
    (mean over workouts of each workout's MAE, so short workouts weigh as
    much as long ones).

    Reads ``pred_hr``, ``gt_hr`` and ``mask`` of each prediction (see
    :class:`HeartRateRegressor`).

    Args:
        collect_device (str): See :class:`BaseMetric`.
        prefix (str, optional): See :class:`BaseMetric`.
    """
    default_prefix = None

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            mask = sample['mask'].cpu().numpy().reshape(-1).astype(bool)
            error = (sample['pred_hr'].float().cpu().numpy().reshape(-1) -
                     sample['gt_hr'].float().cpu().numpy().reshape(-1))[mask]
            error = error.astype(np.float64)
            self.results.append(
                dict(abs=float(np.abs(error).sum()),
                     sq=float((error**2).sum()), n=int(mask.sum())))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        n = sum(r['n'] for r in results)
        if n == 0:
            raise ValueError('HeartRateMetric: no valid step to evaluate')
        mse = sum(r['sq'] for r in results) / n
        per_workout = [r['abs'] / r['n'] for r in results if r['n']]
        return {
            'hr/mae': sum(r['abs'] for r in results) / n,
            'hr/rmse': float(np.sqrt(mse)),
            'hr/mse': mse,
            'hr/mae_workout': float(np.mean(per_workout)),
        }
