"""HeartRateMetric against numpy."""

import numpy as np
import pytest
import torch
from mmaction.registry import METRICS


def test_metric_matches_numpy_over_valid_steps():
    rng = np.random.default_rng(0)
    metric = METRICS.build(dict(type='HeartRateMetric'))
    preds, targets, masks = [], [], []
    for batch in range(3):
        batch_samples = []
        for _ in range(4):
            t = 50
            pred = rng.uniform(90, 190, (t, 1))
            target = rng.uniform(90, 190, (t, 1))
            mask = np.arange(t)[:, None] < rng.integers(1, t + 1)
            mask[0] = rng.random() < 0.5
            if not mask.any():
                mask[1] = True
            preds.append(pred), targets.append(target), masks.append(mask)
            batch_samples.append(dict(
                pred_hr=torch.from_numpy(pred).float(),
                gt_hr=torch.from_numpy(target).float(),
                mask=torch.from_numpy(mask)))
        metric.process(None, batch_samples)
    result = metric.compute_metrics(metric.results)
    err = np.concatenate([(p - t)[m] for p, t, m in
                          zip(preds, targets, masks)])
    err = err.astype(np.float32).astype(np.float64)  # the tensors' float32
    assert result['hr/mae'] == pytest.approx(np.abs(err).mean(), rel=1e-5)
    assert result['hr/rmse'] == pytest.approx(np.sqrt((err**2).mean()),
                                              rel=1e-5)
    assert result['hr/mse'] == pytest.approx((err**2).mean(), rel=1e-5)
    per_workout = [np.abs((p - t)[m]).mean()
                   for p, t, m in zip(preds, targets, masks)]
    assert result['hr/mae_workout'] == pytest.approx(np.mean(per_workout),
                                                     rel=1e-4)


def test_metric_ignores_padding():
    metric = METRICS.build(dict(type='HeartRateMetric'))
    mask = torch.tensor([[True], [True], [False]])
    metric.process(None, [dict(pred_hr=torch.tensor([[100.], [110.], [0.]]),
                               gt_hr=torch.tensor([[103.], [106.], [500.]]),
                               mask=mask)])
    result = metric.compute_metrics(metric.results)
    assert result['hr/mae'] == pytest.approx(3.5)
    assert result['hr/rmse'] == pytest.approx(np.sqrt((9 + 16) / 2))
