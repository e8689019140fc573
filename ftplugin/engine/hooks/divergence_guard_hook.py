import math
import numbers
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook


class DivergenceError(RuntimeError):
    """Training produced a non-finite (or too large) loss or metric."""


def _value(value) -> float:
    return float(torch.as_tensor(value).detach().double().mean())


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Stop training at once when it diverges.

    After every training iteration, a non-finite loss term or gradient norm
    (logged by the optimizer wrapper when ``clip_grad`` is set), or a total
    loss above ``max_loss``, raises :class:`DivergenceError` naming the
    epoch, the iteration and every loss term. It runs before any hook that
    writes a checkpoint, so the diverged state is never saved and
    ``last_checkpoint`` keeps naming the last good one. A non-finite
    validation metric stops the run the same way, before a "best"
    checkpoint could be chosen on it.

    Args:
        max_loss (float, optional): Also stop when the total loss exceeds
            this. Defaults to None (only non-finite values stop).
        check_grad_norm (bool): Also check the logged gradient norm.
            Defaults to True.
    """
    priority = 'VERY_HIGH'  # before CheckpointHook and the loggers

    def __init__(self, max_loss: Optional[float] = None,
                 check_grad_norm: bool = True) -> None:
        self.max_loss = max_loss
        self.check_grad_norm = check_grad_norm

    def _where(self, runner) -> str:
        last = runner.message_hub.get_info('last_ckpt')
        return (f'epoch {runner.epoch + 1}, iteration {runner.iter + 1} '
                f'(run {runner.work_dir}); no checkpoint of this state is '
                f'written, last_checkpoint names '
                f'{last or "no checkpoint yet"}')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        terms = {k: _value(v) for k, v in (outputs or {}).items()
                 if 'loss' in k}
        scalars = runner.message_hub.log_scalars
        if self.check_grad_norm and 'train/grad_norm' in scalars:
            # the optimizer wrapper logs it for this step when clipping
            terms['grad_norm'] = float(
                scalars['train/grad_norm'].current())
        bad = {k: v for k, v in terms.items() if not math.isfinite(v)}
        total = terms.get('loss')
        too_large = (self.max_loss is not None and total is not None
                     and math.isfinite(total) and total > self.max_loss)
        if not bad and not too_large:
            return
        listing = ', '.join(f'{k}={v:.6g}' for k, v in terms.items())
        reason = (f'non-finite {", ".join(bad)}' if bad else
                  f'loss {total:.6g} > max_loss {self.max_loss}')
        raise DivergenceError(
            f'Training diverged ({reason}) at {self._where(runner)}. Loss '
            f'terms: {listing}. Lower the learning rate or check the data '
            f'(tools/validate_data.py).')

    def after_val_epoch(self, runner, metrics: Optional[dict] = None) -> None:
        bad = {k: v for k, v in (metrics or {}).items()
               if isinstance(v, numbers.Real) and not math.isfinite(v)}
        if bad:
            raise DivergenceError(
                f'Validation gave non-finite metrics {bad} after epoch '
                f'{runner.epoch} (run {runner.work_dir}); not choosing a '
                f'checkpoint on them. last_checkpoint names '
                f'{runner.message_hub.get_info("last_ckpt")}.')
