"""Toys for the staged-fine-tuning hook tests on mmengine's toy runner
(``mmengine.testing.RunnerTestCase``): a fixed version of its dataset and a
validation metric that reports a scripted sequence. Registered in
mmaction's registries (``mmaction.ScriptedMetric``, ...). The file also
serves as the plugin module of the subprocess resume test (its text is
written to the test's plugin folder), so it imports nothing from tests/."""
import torch
from mmaction.registry import DATASETS, METRICS, MODELS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MessageHub
from mmengine.testing.runner_test_case import ToyDataset, ToyModel

MODELS.register_module(name='StageToyModel', module=ToyModel, force=True)


@DATASETS.register_module(force=True)
class FixedToyDataset(ToyDataset):
    """mmengine's ``ToyDataset``, whose data it draws at import (different
    in every process), with data fixed by a seed instead."""
    data = torch.randn(12, 2, generator=torch.Generator().manual_seed(0))
    label = torch.ones(12)


@METRICS.register_module(force=True)
class ScriptedMetric(BaseMetric):
    """Reports ``score = script[e]`` for the validation after the epoch of
    0-based index ``e`` (read from the message hub), whatever the model
    predicts: the sequence a plateau or early stopping is tested on.

    Args:
        script (list[float]): One score per epoch.
    """

    def __init__(self, script, collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device)
        self.script = list(script)

    def process(self, data_batch, data_samples) -> None:
        self.results.append(0)

    def compute_metrics(self, results) -> dict:
        epoch = MessageHub.get_current_instance().get_info('epoch')
        return dict(score=float(self.script[epoch]))


def toy_cfg(base, script, max_epochs: int, hooks: list):
    """``base`` (a RunnerTestCase config, copied) with the fixed dataset,
    the scripted metric, ``max_epochs`` and ``hooks`` as custom hooks."""
    import copy
    cfg = copy.deepcopy(base)
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset = dict(
            type='mmaction.FixedToyDataset')
    cfg.val_evaluator = [dict(type='mmaction.ScriptedMetric',
                              script=list(script))]
    cfg.train_cfg.max_epochs = max_epochs
    cfg.custom_hooks = list(hooks)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=1)
    return cfg
