from typing import List, Optional, Sequence

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch.nn.parallel import DistributedDataParallel

from ...models.utils import in_modules, keep_frozen_in_eval


@HOOKS.register_module()
class StagedUnfreezeHook(Hook):
    """Train more of the model in stages: e.g. head, + last blocks, + all.

    Each stage starts at an epoch (0-based, like mmengine's schedulers'
    ``begin``) and names what trains by module-name patterns (``fnmatch``;
    ``'cls_head'`` matches every parameter under ``cls_head``, ``'*'``
    everything). Everything else is frozen: ``requires_grad=False``, its
    gradient dropped, its BatchNorm layers kept in eval mode.

    The current stage is derived from the epoch at the start of every epoch,
    so ``--resume`` in the middle of a stage restores the same trainable set.
    The optimizer's parameter groups never change (every parameter is in the
    optimizer from the start; frozen ones simply get no gradient), so
    schedulers and resuming keep working. A stage's ``lr_mult`` scales every
    group's lr and the schedulers' base values once, at the transition; the
    applied multiplier is stored in the param groups, which are saved with
    the optimizer, so a resumed run does not scale twice.

    Under DDP the model must be wrapped with ``find_unused_parameters=True``
    (set it in the config): parameters change between trainable and frozen
    after the wrapper was built. A pattern that matches no parameter is an
    error, so a typo cannot silently train less than the config says.

    Args:
        stages (Sequence[dict]): ``dict(begin=int, trainable=[patterns],
            lr_mult=float)`` sorted by ``begin``; the first must begin at 0.
            ``lr_mult`` defaults to 1.
    """
    priority = 'HIGH'  # before other hooks look at the trainable set

    def __init__(self, stages: Sequence[dict]) -> None:
        if not stages or stages[0].get('begin', 0) != 0:
            raise ValueError('StagedUnfreezeHook needs stages, the first '
                             'beginning at epoch 0')
        begins = [s['begin'] for s in stages]
        if begins != sorted(set(begins)):
            raise ValueError(f'stage begins must increase, got {begins}')
        for stage in stages:
            if not stage.get('trainable'):
                raise ValueError(f'stage {stage} names nothing trainable')
        self.stages = [dict(begin=s['begin'], trainable=list(s['trainable']),
                            lr_mult=float(s.get('lr_mult', 1.0)))
                       for s in stages]
        self.current: Optional[int] = None

    def stage_index(self, epoch: int) -> int:
        """Index of the stage that trains ``epoch`` (0-based)."""
        return max(i for i, s in enumerate(self.stages) if s['begin'] <= epoch)

    def before_train(self, runner) -> None:
        model = runner.model
        if (isinstance(model, DistributedDataParallel)
                and not model.find_unused_parameters):
            raise RuntimeError(
                'StagedUnfreezeHook under DDP needs '
                'find_unused_parameters=True in the config: the trainable '
                'set changes after the model is wrapped')

    def before_train_epoch(self, runner) -> None:
        index = self.stage_index(runner.epoch)
        stage = self.stages[index]
        detail = ''
        if index != self.current:  # within a stage nothing changes
            names = self.apply_trainable(runner, stage['trainable'])
            self.apply_lr_mult(runner, stage['lr_mult'])
            detail = (f': {len(names)} trainable tensors '
                      f'({", ".join(stage["trainable"])}), lr x '
                      f'{stage["lr_mult"]}')
        runner.logger.info(f'Epoch {runner.epoch + 1}: stage {index + 1}/'
                           f'{len(self.stages)}{detail}')
        self.current = index
        runner.message_hub.update_info('train_stage', index + 1)

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        # the train loop calls model.train() after before_train_epoch
        if batch_idx == 0:
            keep_frozen_in_eval(self._module(runner))

    @staticmethod
    def _module(runner):
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def apply_trainable(self, runner, patterns: Sequence[str]) -> List[str]:
        """Set ``requires_grad`` from ``patterns``; drop frozen gradients.

        Returns:
            list[str]: Names of the trainable parameters.
        """
        named = list(self._module(runner).named_parameters())
        # a pattern that names nothing (a typo, or a block index beyond the
        # model's depth) would silently train less than the config says
        unmatched = [p for p in patterns
                     if not any(in_modules(name, [p]) for name, _ in named)]
        if unmatched:
            raise ValueError(f'trainable pattern(s) {unmatched} match no '
                             f'parameter; names are e.g. '
                             f'{[n for n, _ in named[:5]]}')
        trainable = []
        for name, param in named:
            param.requires_grad = in_modules(name, patterns)
            if param.requires_grad:
                trainable.append(name)
            else:
                param.grad = None
        return trainable

    def apply_lr_mult(self, runner, lr_mult: float) -> None:
        """Scale lrs (and schedulers' bases) from the applied to ``lr_mult``."""
        wrappers = runner.optim_wrapper
        wrappers = (wrappers.values() if hasattr(wrappers, 'values') else
                    [wrappers])
        for wrapper in wrappers:
            for i, group in enumerate(wrapper.optimizer.param_groups):
                factor = lr_mult / group.get('stage_lr_mult', 1.0)
                if factor == 1.0:
                    continue
                group['lr'] *= factor
                if 'initial_lr' in group:
                    group['initial_lr'] *= factor
                for scheduler in self._schedulers(runner):
                    if (scheduler.optimizer in (wrapper, wrapper.optimizer)
                            and scheduler.param_name == 'lr'
                            and hasattr(scheduler, 'base_values')):
                        scheduler.base_values[i] *= factor
                group['stage_lr_mult'] = lr_mult

    @staticmethod
    def _schedulers(runner) -> list:
        schedulers = runner.param_schedulers or []
        if isinstance(schedulers, dict):
            return [s for group in schedulers.values() for s in group]
        return list(schedulers)
