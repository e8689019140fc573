"""HeartRateMetric against numpy; the stages of lstm_applewatch_finetune.py
applied by StagedUnfreezeHook."""
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmaction.registry import HOOKS, METRICS, MODELS
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def finetune_cfg():
    return Config.fromfile(
        str(REPO / 'configs/apple_watch/lstm_applewatch_finetune.py'))


def test_finetune_stages_freeze_layer_0_then_train_all(finetune_cfg):
    model = MODELS.build(finetune_cfg.model)
    hook_cfg = finetune_cfg.default_hooks['unfreeze']
    assert hook_cfg['type'] == 'StagedUnfreezeHook'
    hook = HOOKS.build(hook_cfg)
    runner = SimpleNamespace(model=model)
    stage1 = hook.stages[hook.stage_index(0)]
    trainable = set(hook.apply_trainable(runner, stage1['trainable']))
    names = {n for n, _ in model.named_parameters()}
    layer0 = {n for n in names if n.endswith('_l0')}
    assert len(layer0) == 4
    assert trainable == names - layer0
    last = finetune_cfg.stage1_epochs - 1
    assert hook.stage_index(last) == 0
    stage2 = hook.stages[hook.stage_index(last + 1)]
    assert set(hook.apply_trainable(runner, stage2['trainable'])) == names
    assert stage2['lr_mult'] == pytest.approx(1e-4 / 5e-4)
    # early stopping cannot end the run before stage 2 starts
    stop = finetune_cfg.default_hooks['early_stopping']
    assert stop['patience'] >= finetune_cfg.stage1_epochs
    assert finetune_cfg.model_wrapper_cfg.find_unused_parameters


def test_stage_configs_match_the_original_schedule():
    base = 'configs/apple_watch/lstm_applewatch_'
    s1 = Config.fromfile(str(REPO / f'{base}stage1.py'))
    s2 = Config.fromfile(str(REPO / f'{base}stage2.py'))
    assert s1.optim_wrapper.optimizer.lr == 5e-4
    assert s1.optim_wrapper.optimizer.weight_decay == 1e-4
    assert s1.optim_wrapper.clip_grad.max_norm == 1.0
    assert s2.optim_wrapper.optimizer.lr == 1e-4
    assert tuple(s1.model.backbone.frozen_layers) == (0, )
    assert tuple(s2.model.backbone.frozen_layers) == ()
    for cfg in (s1, s2):
        (plateau, ) = cfg.param_scheduler
        assert plateau.type == 'ReduceOnPlateauLR'
        assert plateau.monitor == 'hr/mse'
        stop = cfg.default_hooks['early_stopping']
        assert stop['type'] == 'EarlyStoppingHook'
        assert stop['patience'] == 10 and stop['monitor'] == 'hr/mse'
        # far below mmengine's default 0.1 BPM^2
        assert 0 < stop['min_delta'] < 0.1
        assert cfg.default_hooks.checkpoint.save_best == 'hr/mse'
