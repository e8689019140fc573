"""What trains when: a list of stages and what ends each one, shared by
the staged-unfreezing hooks (:class:`~ftplugin.engine.hooks.
StagedUnfreezeHook`, :class:`~ftplugin.engine.hooks.
ResNet3dStageUnfreezeHook`) and ``tools/analysis/print_schedule.py``.

Epochs here are counted as mmengine's ``runner.epoch`` counts them: the
0-based index of the epoch about to train, i.e. the number of epochs done.
"""
import copy
import math
from typing import Dict, List, Optional, Sequence, Union

Number = Union[int, float]
RULES = {'greater': lambda a, b: a > b, 'less': lambda a, b: a < b}
# keys a stage may carry that belong to the schedule; the hooks add theirs
SCHEDULE_KEYS = ('begin', 'max_epochs', 'patience', 'restore_best')


def epochs_of(value: Number, max_epochs: int, what: str) -> int:
    """An epoch count given as an int, or as a float fraction of
    ``max_epochs`` in [0, 1] (rounded half up)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f'{what} must be an int (epochs) or a float '
                        f'fraction of max_epochs, got {value!r}')
    if isinstance(value, float):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f'{what}={value}: a float is a fraction of '
                             f'train_cfg.max_epochs and must lie in [0, 1]; '
                             f'give whole epochs as an int')
        return int(math.floor(value * max_epochs + 0.5))
    return int(value)


class StageSchedule:
    """Stages and their transitions: by a fixed epoch, by a plateau of a
    validation metric, or by a per-stage epoch cap; resume-safe state.

    A stage ends at the first of:

    - the next stage's ``begin`` (an int epoch, 0-based, or a float fraction
      of ``train_cfg.max_epochs``, so the schedule keeps its shape when the
      run is shortened or lengthened);
    - ``patience`` validations in a row without the monitored metric
      improving by more than ``min_delta`` within the stage (never for the
      last stage: that is early stopping's job);
    - ``max_epochs`` epochs in the stage (int or fraction), a cap.

    On a transition, a stage with ``restore_best`` gives back the weights of
    its best validation (by ``monitor``, strict improvement) before the next
    stage thaws more. The schedule only decides; the hook applies.

    Args:
        stages (Sequence[dict]): One dict per stage, in order. Schedule keys:
            ``begin``, ``max_epochs``, ``patience`` (overrides the default;
            ``None``: no plateau transition out of this stage),
            ``restore_best``. Other keys (``trainable``, ``lr_mult``,
            ``frozen_stages``) are kept for the hook.
        monitor (str, optional): Validation metric of the plateau and of
            the best-of-stage restore.
        rule (str, optional): ``'greater'`` or ``'less'``.
        patience (int, optional): Default plateau patience of every stage
            but the last. ``None``: no plateau transitions.
        min_delta (float): Least improvement that resets the plateau count.
        restore_best (bool): Default of the stages' ``restore_best``.
        key (str): Config key of the hook, for error messages.
    """

    def __init__(self, stages: Sequence[dict], monitor: Optional[str] = None,
                 rule: Optional[str] = None, patience: Optional[int] = None,
                 min_delta: float = 0.0, restore_best: bool = False,
                 key: str = 'default_hooks.unfreeze') -> None:
        self.key = key
        if not stages:
            raise ValueError(f'{key}.stages is empty: give at least one '
                             f'stage')
        self.specs = [dict(s) for s in stages]
        first = self.specs[0].get('begin', 0)
        if first not in (0, 0.0):
            raise ValueError(f'{key}.stages.0.begin is {first}: the first '
                             f'stage begins at epoch 0')
        self.specs[0]['begin'] = 0
        for i, spec in enumerate(self.specs):
            spec.setdefault('patience', patience)
            spec.setdefault('restore_best', restore_best)
            spec.setdefault('max_epochs', None)
            spec.setdefault('begin', None)
        if any(s['patience'] is not None or s['restore_best']
               for s in self.specs) and monitor is None:
            raise ValueError(f'{key}: a plateau transition or restore_best '
                             f'needs monitor= (a validation metric)')
        if monitor is not None and rule not in RULES:
            raise ValueError(f'{key}.rule must be "greater" or "less" for '
                             f'monitor {monitor!r}, got {rule!r}')
        for i, spec in enumerate(self.specs[:-1]):
            nxt = self.specs[i + 1]
            if (nxt['begin'] is None and spec['max_epochs'] is None
                    and spec['patience'] is None):
                raise ValueError(
                    f'{key}.stages.{i}: nothing ends this stage; give '
                    f'stages.{i + 1}.begin, stages.{i}.max_epochs or a '
                    f'plateau patience')
        self.monitor, self.rule = monitor, rule
        self.min_delta = float(min_delta)
        self.all_specs = list(self.specs)  # resolve() may drop stages
        self.begins: Optional[List[Optional[int]]] = None
        self.caps: Optional[List[Optional[int]]] = None
        self.max_epochs: Optional[int] = None
        self.reset(0, 0)

    # ------------------------------------------------------------ set-up
    @property
    def num_stages(self) -> int:
        return len(self.specs)

    def resolve(self, max_epochs: int) -> List[str]:
        """Turn fractions into epochs for a run of ``max_epochs``.

        An int ``begin`` the run never reaches is refused (the config and
        the run length disagree); a fraction that rounds past the run's end
        (more stages than epochs) drops that stage and the later ones,
        with a warning.

        Returns:
            list[str]: Warnings to log.
        """
        notes = []
        begins, caps, kept = [], [], []
        previous = -1
        for i, spec in enumerate(self.all_specs):
            begin = spec['begin']
            if begin is not None:
                exact = not isinstance(begin, float)
                begin = epochs_of(begin, max_epochs,
                                  f'{self.key}.stages.{i}.begin')
                if exact and begin >= max_epochs:
                    raise ValueError(
                        f'{self.key}.stages.{i}.begin={begin} is beyond '
                        f'train_cfg.max_epochs={max_epochs}: set '
                        f'{self.key}.stages.{i}.begin below {max_epochs}, '
                        f'or as a fraction of max_epochs (e.g. 0.5)')
                if exact and begin <= previous:
                    raise ValueError(f'{self.key}.stages: begins must '
                                     f'increase, stage {i} begins at '
                                     f'{begin} after {previous}')
                begin = max(begin, previous + 1)  # fractions that collide
                if begin >= max_epochs:
                    notes.append(
                        f'{self.key}: stages {i + 1}-{len(self.all_specs)} '
                        f'begin at epoch {begin + 1} or later, after the '
                        f'run\'s {max_epochs} epochs: they will not run')
                    break
                previous = begin
            cap = spec['max_epochs']
            if cap is not None:
                cap = max(1, epochs_of(cap, max_epochs,
                                       f'{self.key}.stages.{i}.max_epochs'))
            begins.append(begin)
            caps.append(cap)
            kept.append(spec)
        self.specs = kept
        self.begins, self.caps, self.max_epochs = begins, caps, max_epochs
        return notes

    # ------------------------------------------------------------ state
    def reset(self, index: int, start: int) -> None:
        """Enter stage ``index`` at epoch ``start``: counters start anew."""
        self.index, self.start = index, start
        self.pending = None  # reason of a transition due next epoch
        self.wait = 0
        self.plateau_best = None
        self.best_score = None
        self.best_epoch = None

    def state_dict(self) -> dict:
        return dict(index=self.index, start=self.start, pending=self.pending,
                    wait=self.wait, plateau_best=self.plateau_best,
                    best_score=self.best_score, best_epoch=self.best_epoch,
                    num_stages=self.num_stages)

    def load_state_dict(self, state: dict) -> None:
        if state.get('num_stages', self.num_stages) != self.num_stages:
            raise ValueError(
                f'{self.key}: the checkpoint was written with '
                f'{state["num_stages"]} stages, this run has '
                f'{self.num_stages}; resume with the same stages')
        for name in ('index', 'start', 'pending', 'wait', 'plateau_best',
                     'best_score', 'best_epoch'):
            setattr(self, name, state[name])

    @property
    def stage(self) -> dict:
        return self.specs[self.index]

    @property
    def is_last(self) -> bool:
        return self.index == self.num_stages - 1

    def index_at(self, epoch: int) -> int:
        """The stage that fixed begins alone give ``epoch`` (a checkpoint
        written before stages were saved with it)."""
        return max(i for i, b in enumerate(self.begins)
                   if b is not None and b <= epoch)

    # ------------------------------------------------------- transitions
    def due(self, epoch: int) -> Optional[str]:
        """Why the current stage ends before epoch ``epoch``, or None."""
        if self.is_last:
            return None
        if self.pending:
            return self.pending
        nxt = self.begins[self.index + 1]
        if nxt is not None and epoch >= nxt:
            return f'epoch {nxt + 1} begins stage {self.index + 2}'
        cap = self.caps[self.index]
        if cap is not None and epoch - self.start >= cap:
            return f'stage cap of {cap} epochs reached'
        return None

    def update(self, score: float, epoch: int) -> bool:
        """Count validation ``score`` taken after ``epoch`` epochs.

        Returns:
            bool: Whether it is the stage's best so far (strictly).
        """
        better = RULES[self.rule]
        score = float(score)
        is_best = self.best_score is None or better(score, self.best_score)
        if is_best:
            self.best_score, self.best_epoch = score, epoch
        patience = self.stage['patience']
        if patience is None or self.is_last or self.pending:
            return is_best
        delta = self.min_delta if self.rule == 'greater' else -self.min_delta
        if self.plateau_best is None or better(score,
                                               self.plateau_best + delta):
            self.plateau_best, self.wait = score, 0
        else:
            self.wait += 1
            if self.wait >= patience:
                self.pending = (
                    f'{self.monitor} did not improve by more than '
                    f'{self.min_delta} in {self.wait} validations (best '
                    f'{self.plateau_best:.6g})')
        return is_best

    # ---------------------------------------------------------- describe
    def ends(self, index: int) -> str:
        """In words, what ends stage ``index`` (after :meth:`resolve`)."""
        if index == self.num_stages - 1:
            return (f'the end of training (epoch {self.max_epochs})'
                    if self.max_epochs else 'the end of training')
        spec, reasons = self.specs[index], []
        nxt = self.begins[index + 1]
        if nxt is not None:
            reasons.append(f'epoch {nxt} done (stage {index + 2} begins at '
                           f'epoch {nxt + 1})')
        if spec['patience'] is not None:
            reasons.append(
                f'a plateau: val {self.monitor} not better by more than '
                f'{self.min_delta} in {spec["patience"]} validations')
        if self.caps[index] is not None:
            reasons.append(f'{self.caps[index]} epochs in the stage')
        text = ', or '.join(reasons)
        if spec['restore_best']:
            text += f'; then the stage\'s best {self.monitor} weights return'
        return text

    def describe(self) -> List[Dict]:
        """One dict per stage: its spec, resolved begin and what ends it."""
        return [dict(copy.deepcopy(spec), index=i, begin=self.begins[i],
                     max_epochs=self.caps[i], ends=self.ends(i))
                for i, spec in enumerate(self.specs)]
