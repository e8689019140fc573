"""Parameter schedulers that fit the run they are given.

A config's ``param_scheduler`` is written for its ``train_cfg.max_epochs``
(e.g. 10 warm-up epochs, then a cosine to epoch 100). When a run is shorter
(``--cfg-options train_cfg.max_epochs=3``, a user's first step), mmengine
builds a scheduler that begins after the run's end (and refuses one whose
default ``end`` then lies before its ``begin``). :func:`fit_schedulers`
scales the whole timeline by ``run length / the length it was written for``
instead, so the schedule keeps its shape, and says what it changed. A
schedule that fits the run is left alone; one it cannot scale is refused
with one sentence naming the key to change.
"""
import copy
import math
from typing import List, Optional, Tuple

INF = float('inf')
# scheduler arguments counted in epochs (or iterations), scaled together
LENGTH_KEYS = ('T_max', 'step_size', 'total_steps')


def _unit(scheduler: dict) -> str:
    return 'epoch' if scheduler.get('by_epoch', True) else 'iter'


def _boundaries(scheduler: dict) -> List[float]:
    values = [scheduler.get('begin', 0)]
    if scheduler.get('end', INF) != INF:
        values.append(scheduler['end'])
    values += list(scheduler.get('milestones', []))
    return values


def fit_schedulers(schedulers: List[dict], max_epochs: Optional[int],
                   max_iters: int, epoch_length: Optional[int],
                   key: str = 'param_scheduler') -> Tuple[List[dict],
                                                          List[str]]:
    """Scale ``schedulers`` that run past the end of a shorter run.

    Epoch-based schedulers (``by_epoch=True``) are measured against
    ``max_epochs``, iteration-based ones against ``max_iters``. If any
    ``begin``, ``end`` or milestone of a unit lies beyond the run, every
    scheduler of that unit is scaled by ``run / L``, where ``L`` is the
    latest boundary of that unit (the length the schedule was written
    for): ``begin``, ``end``, ``milestones``, ``T_max``, ``step_size``.
    Epoch schedulers with ``convert_to_iter_based=True`` become the
    iteration schedulers they would have become, so a warm-up of a fraction
    of an epoch stays exact; plain epoch schedulers are rounded to whole
    epochs, keeping ``begin < end <= max_epochs``.

    Args:
        schedulers (list[dict]): Scheduler configs (objects pass through).
        max_epochs (int, optional): The run's epochs (None: iteration-based
            loop).
        max_iters (int): The run's iterations.
        epoch_length (int, optional): Iterations per epoch.
        key (str): Config key of the list, for messages.

    Returns:
        tuple[list[dict], list[str]]: The schedulers to build and what was
        changed, one line each.

    Raises:
        ValueError: A scheduler that begins after the run's end and has no
            ``end`` to scale against.
    """
    out = [copy.deepcopy(s) for s in schedulers]
    notes: List[str] = []
    for unit, total in (('epoch', max_epochs), ('iter', max_iters)):
        mine = [(i, s) for i, s in enumerate(out)
                if isinstance(s, dict) and _unit(s) == unit]
        if total is None or not mine:
            continue
        late = [(i, s) for i, s in mine
                if s.get('begin', 0) >= total
                or max(_boundaries(s)) > total]
        if not late:
            continue
        for i, s in late:
            if s.get('end', INF) == INF and s.get('begin', 0) >= total \
                    and not s.get('milestones'):
                raise ValueError(
                    f'{key}.{i} ({s["type"]}) begins at {unit} '
                    f'{s["begin"]} but the run has {total}: set '
                    f'{key}.{i}.begin below {total} or give it an end to '
                    f'scale the schedule by')
        length = max(max(_boundaries(s)) for _, s in mine)
        ratio = total / length
        notes.append(f'{key}: the run has {total} {unit}s, the schedule '
                     f'was written for {length:g}: every {unit}-based '
                     f'scheduler scaled by {ratio:.4g}')
        earliest: dict = {}  # epoch a boundary may take, given the iters
        for converted in (True, False):
            # epoch schedulers converted to iterations by mmengine are
            # scaled in iterations, so a warm-up of part of an epoch stays
            part = [(i, s) for i, s in mine if converted == bool(
                unit == 'epoch' and s.get('convert_to_iter_based')
                and epoch_length)]
            if not part:
                continue
            factor = ratio * (epoch_length if converted else 1)
            limit = total * (epoch_length if converted else 1)
            mapped = _boundary_map(part, factor, limit, earliest)
            if converted:  # a plain epoch scheduler chained to a warm-up
                earliest = {v: math.ceil(m / epoch_length)
                            for v, m in mapped.items()}
            for i, s in part:
                out[i] = _scaled(s, factor, limit, mapped)
                if converted:
                    out[i].pop('convert_to_iter_based')
                    out[i]['by_epoch'] = False
                notes.append(f'  {key}.{i} {s["type"]}: {_describe(s)} -> '
                             f'{_describe(out[i])}')
    return out, notes


def _round(value: float) -> int:
    return int(math.floor(value + 0.5))


def _boundary_map(part: list, factor: float, limit: int,
                  earliest: dict) -> dict:
    """Scaled begins and ends: the same value maps to the same step (a
    warm-up's end stays the next scheduler's begin; a plain epoch scheduler
    begins no earlier than the iteration-based warm-up it follows ends),
    distinct values to distinct steps where the run is long enough."""
    values = sorted({v for _, s in part for v in
                     (s.get('begin', 0), s.get('end', INF)) if v != INF})
    mapped, previous = {}, None
    for value in values:
        step = max(_round(value * factor), earliest.get(value, 0))
        if previous is not None:
            step = max(step, previous + 1)
        mapped[value] = previous = step
    if previous is not None and previous > limit:
        # more boundaries than steps: clamp (schedulers may then overlap)
        mapped = {v: min(_round(v * factor), limit) for v in values}
    return mapped


def _scaled(s: dict, factor: float, total: int, mapped: dict) -> dict:
    old_span = s.get('end', INF) - s.get('begin', 0)
    s = dict(s)
    begin = min(mapped[s.get('begin', 0)], total - 1)
    s['begin'] = begin
    if s.get('end', INF) != INF:
        s['end'] = min(max(begin + 1, mapped[s['end']]), total)
    span = min(s.get('end', INF), total) - begin
    if 'milestones' in s:
        # counted from begin, as mmengine does; milestones that collide
        # stay: gamma then applies once per milestone at that step, as the
        # longer run would have done by then
        s['milestones'] = [min(max(1, _round(m * factor)), span)
                           for m in s['milestones']]
    for name in LENGTH_KEYS:
        if name in s:
            # in proportion to the scheduler's own span (a cosine's T_max
            # stays its window)
            scale = span / old_span if old_span != INF else factor
            s[name] = max(1, _round(s[name] * scale))
    return s


def _describe(s: dict) -> str:
    unit = 'epochs' if s.get('by_epoch', True) else 'iters'
    end = s.get('end', INF)
    text = f'[{s.get("begin", 0):g}, {end:g}) {unit}'
    if 'milestones' in s:
        text += f', milestones {list(s["milestones"])}'
    for name in LENGTH_KEYS:
        if name in s:
            text += f', {name} {s[name]:g}'
    return text
