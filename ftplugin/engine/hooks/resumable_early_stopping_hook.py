from mmaction.registry import HOOKS
from mmengine.hooks import EarlyStoppingHook


@HOOKS.register_module()
class ResumableEarlyStoppingHook(EarlyStoppingHook):
    """mmengine's ``EarlyStoppingHook`` whose best score and patience counter
    are saved with every checkpoint and restored on ``--resume`` (mmengine's
    keeps them in memory only, so a resumed run would start counting again).

    It also runs before ``CheckpointHook`` (priority ``LOW`` instead of
    ``LOWEST``), so the checkpoint written after a validation holds the
    counters updated by that validation. Arguments as mmengine's.
    """
    priority = 'LOW'

    @property
    def _key(self) -> str:
        return f'early_stopping/{self.monitor}'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[self._key] = dict(best_score=float(self.best_score),
                                     wait_count=int(self.wait_count))

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(self._key)
        if getattr(runner, '_resume', False) and state is not None:
            self.best_score = state['best_score']
            self.wait_count = state['wait_count']
