import copy
from typing import Dict, List, Optional, Sequence, Union

from mmaction.registry import HOOKS
from mmengine.dist import broadcast_object_list, is_distributed
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim.scheduler import ReduceOnPlateauParamScheduler
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from ...models.utils import in_modules, keep_frozen_in_eval
from ..stages.depth_groups import auto_stages, depth_groups
from ..stages.stage_schedule import StageSchedule

CHECKPOINT_KEY = 'staged_unfreeze'


@HOOKS.register_module()
class StagedUnfreezeHook(Hook):
    """Train more of the model in stages: e.g. head, + last blocks, + all.

    Each stage names what trains by module-name patterns (``fnmatch``;
    ``'cls_head'`` matches every parameter under ``cls_head``, ``'*'``
    everything). Everything else is frozen: ``requires_grad=False``, its
    gradient dropped, its BatchNorm layers kept in eval mode.

    What ends a stage (:class:`~ftplugin.engine.stages.StageSchedule`): the
    next stage's ``begin`` (an int epoch, 0-based like mmengine's
    schedulers' ``begin``, or a float fraction of ``train_cfg.max_epochs``),
    a plateau of the validation metric ``monitor`` (``patience``
    validations without a gain above ``min_delta``), or the stage's own
    ``max_epochs`` cap, whichever comes first. With ``restore_best`` the
    weights of the stage's best validation come back before the next stage
    thaws more. ``stages='auto'`` builds ``num_stages`` stages from the
    model's depth order (heads, then ever deeper blocks, then all; see
    ``tools/analysis/print_schedule.py``).

    Resuming: the stage, the epoch it began, the plateau counters and the
    stage's best weights (where they differ from the checkpoint's own) are
    saved with every checkpoint and restored by ``--resume``, so a run killed
    anywhere continues into the same stage with the same counters. Under DDP
    rank 0's decision is broadcast, so every rank switches together; the
    model must be wrapped with ``find_unused_parameters=True``.

    The optimizer's parameter groups never change (every parameter is in
    the optimizer from the start; frozen ones get no gradient). A stage's
    ``lr_mult`` scales every group's lr and the schedulers' base values
    once, at the transition; the applied multiplier is stored in the param
    groups (saved with the optimizer), so a resumed run does not scale
    twice. ``ReduceOnPlateauLR`` schedulers start counting anew at each
    transition (``reset_plateau_lr``). A pattern that matches no parameter
    is an error, so a typo cannot silently train less than the config says.

    Args:
        stages (Sequence[dict] | str): ``dict(trainable=[patterns],
            lr_mult=1.0, begin=None, max_epochs=None, patience=<default>,
            restore_best=<default>)`` per stage, the first at ``begin=0``;
            or ``'auto'``.
        num_stages (int): Stages of ``stages='auto'``. Defaults to 3.
        auto_stage_cfg (dict, optional): Keys added to every automatic
            stage (e.g. ``max_epochs=10``). Without a plateau or cap, the
            automatic stages begin at even fractions of the run.
        monitor (str, optional): Validation metric of plateaus and of
            ``restore_best``.
        rule (str, optional): ``'greater'`` or ``'less'``.
        patience (int, optional): Default plateau patience (validations) of
            every stage but the last; ``None``: no plateau transitions.
        min_delta (float): Least gain that counts as improvement.
        restore_best (bool): Default of the stages' ``restore_best``.
        reset_plateau_lr (bool): Reset ``ReduceOnPlateau*`` schedulers at
            every transition. Defaults to True.
        cfg_key (str): Where the config holds this hook, for messages.
    """
    priority = 'HIGH'  # before other hooks look at the trainable set
    # stage keys of this hook (besides the schedule's)
    stage_keys = ('trainable', 'lr_mult')

    def __init__(self, stages: Union[Sequence[dict], str],
                 num_stages: int = 3,
                 auto_stage_cfg: Optional[dict] = None,
                 monitor: Optional[str] = None,
                 rule: Optional[str] = None,
                 patience: Optional[int] = None,
                 min_delta: float = 0.0,
                 restore_best: bool = False,
                 reset_plateau_lr: bool = True,
                 cfg_key: str = 'default_hooks.unfreeze') -> None:
        self.cfg_key = cfg_key
        self.schedule_cfg = dict(monitor=monitor, rule=rule,
                                 patience=patience, min_delta=min_delta,
                                 restore_best=restore_best, key=cfg_key)
        self.reset_plateau_lr = reset_plateau_lr
        self.auto = stages == 'auto'
        self.num_stages = num_stages
        self.auto_stage_cfg = dict(auto_stage_cfg or {})
        if isinstance(stages, str) and not self.auto:
            raise ValueError(f'{cfg_key}.stages must be a list of stages or '
                             f'\'auto\', got {stages!r}')
        self.schedule: Optional[StageSchedule] = None
        if not self.auto:
            self.schedule = StageSchedule(
                [self.check_stage(i, s) for i, s in enumerate(stages)],
                **self.schedule_cfg)
        self.applied: Optional[int] = None
        self._best_state: Optional[Dict] = None
        self._resumed: Optional[dict] = None

    # ------------------------------------------------- stages (no runner)
    def check_stage(self, index: int, stage: dict) -> dict:
        """Validate one stage dict; fill this hook's defaults."""
        stage = dict(stage)
        unknown = set(stage) - set(self.stage_keys) - {
            'begin', 'max_epochs', 'patience', 'restore_best'}
        if unknown:
            raise KeyError(f'{self.cfg_key}.stages.{index}: unknown key(s) '
                           f'{sorted(unknown)}')
        if not stage.get('trainable'):
            raise ValueError(f'{self.cfg_key}.stages.{index} names nothing '
                             f'trainable')
        stage['trainable'] = list(stage['trainable'])
        stage['lr_mult'] = float(stage.get('lr_mult', 1.0))
        return stage

    def make_auto_stages(self, model: nn.Module) -> List[dict]:
        """``num_stages`` stages from the model's depth groups."""
        stages = []
        for i, trainable in enumerate(
                auto_stages(depth_groups(model), self.num_stages)):
            stages.append(dict(self.auto_stage_cfg, trainable=trainable))
        return stages

    def setup(self, model: nn.Module, max_epochs: int) -> List[str]:
        """Build the stages for ``model`` and a run of ``max_epochs``
        (fractions become epochs); check every stage's patterns.

        Returns:
            list[str]: Warnings (stages that cannot run).
        """
        if self.auto:
            stages = [self.check_stage(i, s)
                      for i, s in enumerate(self.make_auto_stages(model))]
            plateau = (self.schedule_cfg['patience'] is not None
                       or self.auto_stage_cfg.get('max_epochs'))
            for i, stage in enumerate(stages[1:], 1):
                if not plateau:  # even shares of the run
                    stage.setdefault('begin', i / len(stages))
            self.schedule = StageSchedule(stages, **self.schedule_cfg)
        notes = self.schedule.resolve(max_epochs)
        state = {n: p.requires_grad for n, p in model.named_parameters()}
        try:
            for index in range(self.schedule.num_stages):
                self.apply_stage(model, index)  # errors on a bad pattern
        finally:
            for name, param in model.named_parameters():
                param.requires_grad = state[name]
        return notes

    def apply_stage(self, model: nn.Module, index: int) -> List[str]:
        """Make stage ``index``'s parameters trainable, the rest frozen.

        Returns:
            list[str]: Names of the trainable parameters.
        """
        patterns = self.schedule.specs[index]['trainable']
        named = list(model.named_parameters())
        # a pattern that names nothing (a typo, or a block index beyond the
        # model's depth) would silently train less than the config says
        unmatched = [p for p in patterns
                     if not any(in_modules(name, [p]) for name, _ in named)]
        if unmatched:
            raise ValueError(f'{self.cfg_key}.stages.{index}.trainable: '
                             f'pattern(s) {unmatched} match no parameter; '
                             f'names are e.g. {[n for n, _ in named[:5]]}')
        trainable = []
        for name, param in named:
            param.requires_grad = in_modules(name, patterns)
            if param.requires_grad:
                trainable.append(name)
            else:
                param.grad = None
        return trainable

    # ------------------------------------------------------------ hooks
    @staticmethod
    def _module(runner) -> nn.Module:
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def before_train(self, runner) -> None:
        model = runner.model
        if (isinstance(model, DistributedDataParallel)
                and not model.find_unused_parameters):
            raise RuntimeError(
                f'{type(self).__name__} under DDP needs '
                'find_unused_parameters=True in the config: the trainable '
                'set changes after the model is wrapped')
        for note in self.setup(self._module(runner), runner.max_epochs):
            runner.logger.warning(note)
        schedule = self.schedule
        if schedule.monitor is not None and runner.val_loop is None:
            raise ValueError(f'{self.cfg_key}: monitor '
                             f'{schedule.monitor!r} needs validation; set '
                             f'val_dataloader / val_cfg, or remove '
                             f'patience and restore_best')
        self._restore_resumed(runner)
        runner.logger.info(f'{type(self).__name__}: ' + '; '.join(
            f'stage {i + 1} ends at {schedule.ends(i)}'
            for i in range(schedule.num_stages)))

    def _restore_resumed(self, runner) -> None:
        if self._resumed is None:
            if runner.epoch > 0:  # resumed from a checkpoint without state
                index = self.schedule.index_at(runner.epoch)
                self.schedule.reset(index, self.schedule.begins[index])
            return
        state, self._resumed = self._resumed, None
        self.schedule.load_state_dict(state['schedule'])
        self._best_state = state.get('best_state')

    def before_train_epoch(self, runner) -> None:
        schedule = self.schedule
        while True:
            reason = schedule.due(runner.epoch)
            if reason is None:
                break
            self._end_stage(runner, reason)
        index = schedule.index
        detail = ''
        if index != self.applied:  # within a stage nothing changes
            names = self.apply_stage(self._module(runner), index)
            stage = schedule.stage
            self.apply_lr_mult(runner, stage['lr_mult'])
            detail = (f': {len(names)} trainable tensors '
                      f'({", ".join(map(str, stage.get("trainable", [])))})'
                      f', lr x {stage["lr_mult"]}')
        runner.logger.info(f'Epoch {runner.epoch + 1}: stage {index + 1}/'
                           f'{schedule.num_stages}{detail}')
        self.applied = index
        runner.message_hub.update_info('train_stage', index + 1)
        runner.message_hub.update_info('train_stages', schedule.num_stages)

    def _end_stage(self, runner, reason: str) -> None:
        schedule = self.schedule
        ending = schedule.index
        message = (f'{type(self).__name__}: stage {ending + 1} ends after '
                   f'epoch {runner.epoch} ({reason})')
        if schedule.stage['restore_best']:
            if self._best_state is None:
                message += '; no validation in the stage, nothing restored'
            elif schedule.best_epoch == runner.epoch:
                message += '; its last epoch is its best'
            else:
                self._module(runner).load_state_dict(self._best_state)
                message += (f'; weights of epoch {schedule.best_epoch} '
                            f'restored ({schedule.monitor}='
                            f'{schedule.best_score:.6g})')
        runner.logger.info(message)
        self._best_state = None
        schedule.reset(ending + 1, runner.epoch)
        if self.reset_plateau_lr:
            for scheduler in self._schedulers(runner):
                if isinstance(scheduler, ReduceOnPlateauParamScheduler):
                    scheduler._reset()

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        # the train loop calls model.train() after before_train_epoch
        if batch_idx == 0:
            keep_frozen_in_eval(self._module(runner))

    def after_val_epoch(self, runner, metrics=None) -> None:
        schedule = self.schedule
        # self.applied: set once training runs (not in a standalone val)
        if self.applied is None or schedule.monitor is None:
            return
        if schedule.monitor not in (metrics or {}):
            raise KeyError(
                f'{self.cfg_key}: monitor {schedule.monitor!r} is not among '
                f'the validation metrics {sorted(metrics or {})}; set '
                f'{self.cfg_key}.monitor to one of them')
        was_pending = schedule.pending
        is_best = schedule.update(metrics[schedule.monitor], runner.epoch)
        # rank 0 decides for every rank (their metrics agree in mmengine,
        # but a rank that counted differently would freeze other tensors)
        if is_distributed():
            shared = [schedule.state_dict()]
            broadcast_object_list(shared, src=0)
            schedule.load_state_dict(shared[0])
            is_best = schedule.best_epoch == runner.epoch
        if is_best and schedule.stage['restore_best']:
            self._best_state = {
                k: v.detach().to('cpu', copy=True)
                for k, v in self._module(runner).state_dict().items()}
        if schedule.pending and not was_pending:
            runner.logger.info(f'{type(self).__name__}: stage '
                               f'{schedule.index + 1} plateaued: '
                               f'{schedule.pending}')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.schedule is None:
            return
        state = dict(schedule=self.schedule.state_dict())
        if self._best_state is not None:
            # the checkpoint's own weights when the best epoch is this one
            saved = checkpoint.get('meta', {}).get('epoch')
            state['best_state'] = ('checkpoint' if saved is not None and
                                   saved == self.schedule.best_epoch else
                                   copy.copy(self._best_state))
        checkpoint[CHECKPOINT_KEY] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(CHECKPOINT_KEY)
        if not getattr(runner, '_resume', False) or state is None:
            return
        state = dict(state)
        if state.get('best_state') == 'checkpoint':
            state['best_state'] = {
                k: v.detach().to('cpu', copy=True)
                for k, v in checkpoint['state_dict'].items()}
        self._resumed = state

    # ------------------------------------------------------------- lr
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
