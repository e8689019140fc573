from math import inf

from mmaction.registry import HOOKS
from mmengine.hooks import EarlyStoppingHook


@HOOKS.register_module()
class ResumableEarlyStoppingHook(EarlyStoppingHook):
    """mmengine's ``EarlyStoppingHook`` whose best score and patience counter
    are saved with every checkpoint and restored on ``--resume`` (mmengine's
    keeps them in memory only, so a resumed run would start counting again),
    and which knows the stages of staged unfreezing.

    Phase-aware (``phase_aware=True``, the default): where a staged hook
    (:class:`~ftplugin.engine.hooks.StagedUnfreezeHook` and its subclasses)
    publishes the stage (``train_stage`` / ``train_stages`` in the
    message hub), the best score and the counter start anew in every stage,
    and the run stops only in the last stage: a plateau of an early stage
    (where little trains) ends that stage, never the run. Without staged
    unfreezing it is mmengine's hook.

    It also runs before ``CheckpointHook`` (priority ``LOW`` instead of
    ``LOWEST``), so the checkpoint written after a validation holds the
    counters updated by that validation.

    Args:
        phase_aware (bool): See above. Defaults to True.
        **kwargs: mmengine's ``EarlyStoppingHook`` arguments.
    """
    priority = 'LOW'

    def __init__(self, *args, phase_aware: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.phase_aware = phase_aware
        self.stage = None  # the stage the counters belong to

    @property
    def _key(self) -> str:
        return f'early_stopping/{self.monitor}'

    def after_val_epoch(self, runner, metrics) -> None:
        hub = runner.message_hub
        stage, stages = (hub.get_info('train_stage'),
                         hub.get_info('train_stages'))
        if not self.phase_aware or stage is None or stages is None:
            return super().after_val_epoch(runner, metrics)
        if stage != self.stage:
            if self.stage is not None:
                runner.logger.info(f'early stopping: counting anew in '
                                   f'stage {stage}/{stages}')
            self.stage = stage
            self.best_score = -inf if self.rule == 'greater' else inf
            self.wait_count = 0
        if self.monitor not in metrics:  # mmengine's warning or error
            return super().after_val_epoch(runner, metrics)
        stop, message = self._check_stop_condition(metrics[self.monitor])
        if not stop:
            return
        if stage < stages and self.wait_count >= self.patience:
            # a plateau before the last stage is the stage's to handle
            runner.logger.info(
                f'early stopping: {self.monitor} has not improved for '
                f'{self.wait_count} validations in stage {stage}/{stages}; '
                f'the run stops only in the last stage')
            return
        runner.train_loop.stop_training = True
        runner.logger.info(message)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[self._key] = dict(best_score=float(self.best_score),
                                     wait_count=int(self.wait_count),
                                     stage=self.stage)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(self._key)
        if getattr(runner, '_resume', False) and state is not None:
            self.best_score = state['best_score']
            self.wait_count = state['wait_count']
            self.stage = state.get('stage')
