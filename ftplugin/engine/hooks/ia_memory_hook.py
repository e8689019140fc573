from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper


def _ia_with_memory(runner):
    """(detector, its IA module) when the model's head has IA memory."""
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    ia = getattr(getattr(model, 'cls_head', None), 'ia', None)
    if ia is None or not ia.uses_memory:
        return model, None
    return model, ia


@HOOKS.register_module()
class IAMemoryHook(Hook):
    """The memory pools of AlphAction's Interaction Aggregation
    (``cls_head.ia`` with memory blocks) in an mmengine run.

    - **Test memory** (AlphAction's two-stage inference): before each
      validation / test epoch, one pass over that epoch's dataloader stores
      the pooled features of every keyframe's test boxes
      (:meth:`RoIActionDetector.fill_test_memory`); the epoch's predictions
      then read their neighbours from it; it is emptied after the epoch. The
      evaluated set is its own memory: training features never leak into
      it.
    - **Training memory**: saved with every checkpoint
      (``checkpoint['ia_memory']``) and restored on ``--resume``, so a
      resumed run reads the same memory as an uninterrupted one. Loading
      weights (``load_from``, test) does not touch it.

    Nothing happens for a model without IA memory. Keyed in the config as
    ``default_hooks.ia_memory=dict(type='IAMemoryHook')``.
    """
    priority = 'NORMAL'  # after RandomStateHook saved the training's state

    def _fill(self, runner, dataloader) -> None:
        model, ia = _ia_with_memory(runner)
        if ia is None:
            return
        model.eval()
        ia.test_memory_pool.clear()
        for data in dataloader:
            model.fill_test_memory(data)
        ia.test_memory_ready = True
        runner.logger.info(f'IA test memory: {len(ia.test_memory_pool)} '
                           f'keyframes')

    def _empty(self, runner) -> None:
        _, ia = _ia_with_memory(runner)
        if ia is not None:
            ia.test_memory_pool.clear()
            ia.test_memory_ready = False

    def before_val_epoch(self, runner) -> None:
        self._fill(runner, runner.val_dataloader)

    def before_test_epoch(self, runner) -> None:
        self._fill(runner, runner.test_dataloader)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._empty(runner)

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._empty(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        _, ia = _ia_with_memory(runner)
        if ia is not None:
            checkpoint['ia_memory'] = ia.memory_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        _, ia = _ia_with_memory(runner)
        if ia is None or not getattr(runner, '_resume', False):
            return
        if 'ia_memory' not in checkpoint:
            runner.logger.warning(
                'The resumed checkpoint carries no IA memory pool: training '
                'continues with an empty pool (not as an uninterrupted run)')
            return
        ia.load_memory_state(checkpoint['ia_memory'])
