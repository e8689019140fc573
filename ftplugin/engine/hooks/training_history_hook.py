import json
import os.path as osp
import time
from collections import defaultdict
from typing import Dict, Optional

import numpy as np
from mmaction.registry import HOOKS
from mmengine.dist import master_only
from mmengine.hooks import Hook

from ...utils.atomic_io import atomic_write_json
from ...visualization import plot_confusion_matrix, plot_training_curves
from .utils import validates_after_this_epoch


def _jsonable(value):
    if isinstance(value, (np.generic, )):
        return value.item()
    if hasattr(value, 'tolist'):
        return value.tolist()
    return value


@HOOKS.register_module()
class TrainingHistoryHook(Hook):
    """Write the original project-style history and test report into the work
    dir.

    After every epoch (after its validation, where one follows),
    ``<work_dir>/<history_file>`` holds one entry per
    epoch, ``{'epoch', 'train': {loss means}, 'val': {metrics}, 'lr'}`` (and
    ``'stage'`` when ``StagedUnfreezeHook`` runs), and
    ``training_curves.png`` plots it at the end of training and, during
    training, at most every ``plot_interval_s`` seconds (a plot takes
    seconds on a loaded CPU: drawn after every epoch it doubled the epoch
    time of small models). After testing, ``test_metrics.json``
    holds the test metrics and, when the metric gives one,
    ``confusion_matrix.png`` draws the confusion matrix.

    Args:
        history_file (str): Name of the history JSON.
            Defaults to ``'training_history.json'``.
        test_file (str): Name of the test metrics JSON.
            Defaults to ``'test_metrics.json'``.
        plot_interval_s (float): Least seconds between two plots during
            training. Defaults to 120.
    """
    priority = 'LOW'

    def __init__(self,
                 history_file: str = 'training_history.json',
                 test_file: str = 'test_metrics.json',
                 plot_interval_s: float = 120.0) -> None:
        self.history_file = history_file
        self.test_file = test_file
        self.plot_interval_s = plot_interval_s
        self._last_plot = time.monotonic()
        self.history = []
        self._sums: Dict[str, float] = defaultdict(float)
        self._count = 0

    def before_train(self, runner) -> None:
        # on resume, continue the history written before the interruption
        path = osp.join(runner.work_dir, self.history_file)
        if runner.epoch > 0 and osp.isfile(path):
            with open(path) as f:
                self.history = [h for h in json.load(f)
                                if h['epoch'] <= runner.epoch]

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch=None, outputs: Optional[dict] = None):
        for key, value in (outputs or {}).items():
            self._sums[key] += float(
                value.item() if hasattr(value, "item") else value)
        self._count += 1

    def after_train_epoch(self, runner) -> None:
        train = {k: v / max(self._count, 1) for k, v in self._sums.items()}
        entry = dict(epoch=runner.epoch + 1, train=train, val={},
                     lr=float(np.mean(runner.optim_wrapper.get_lr()['lr'])))
        stage = runner.message_hub.get_info('train_stage')
        if stage is not None:  # set by StagedUnfreezeHook
            entry['stage'] = stage
        self.history.append(entry)
        self._sums.clear()
        self._count = 0
        # one write per epoch: a small file costs milliseconds on a busy
        # disk, a few percent of a short epoch
        if not validates_after_this_epoch(runner):
            self._write(runner)

    def after_val_epoch(self, runner, metrics: Optional[dict] = None):
        if self.history:
            if metrics:
                self.history[-1]['val'] = {
                    k: _jsonable(v) for k, v in metrics.items()}
            self._write(runner)

    def after_train(self, runner) -> None:
        if self.history:
            self._write(runner, plot=True)

    @master_only
    def _write(self, runner, plot: bool = False) -> None:
        atomic_write_json(osp.join(runner.work_dir, self.history_file),
                          self.history, indent=2)
        if plot or (time.monotonic() - self._last_plot >
                    self.plot_interval_s):
            plot_training_curves(
                self.history,
                osp.join(runner.work_dir, 'training_curves.png'))
            self._last_plot = time.monotonic()

    @master_only
    def after_test_epoch(self, runner, metrics: Optional[dict] = None):
        metrics = {k: _jsonable(v) for k, v in (metrics or {}).items()}
        atomic_write_json(osp.join(runner.work_dir, self.test_file), metrics,
                          indent=2)
        if 'confusion_matrix' in metrics:
            classes = runner.test_dataloader.dataset.metainfo.get('classes')
            plot_confusion_matrix(
                metrics['confusion_matrix'], classes,
                osp.join(runner.work_dir, 'confusion_matrix.png'))
