"""What a config's staged fine-tuning will do, read without data and
without training: per stage, which parameter groups train, how many
parameters, at which lr, and what ends the stage
(``tools/analysis/print_schedule.py``)."""
from collections import OrderedDict
from typing import Dict, List, Optional

from mmaction.registry import HOOKS, MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from torch import nn

from .depth_groups import depth_groups, group_of
from .scheduler_fitting import fit_schedulers

STAGED_HOOKS = ('StagedUnfreezeHook', 'ResNet3dStageUnfreezeHook')


def _hook_cfg(cfg: Config) -> Optional[dict]:
    """The config's staged-unfreezing hook (keyed or in custom_hooks)."""
    hooks = [h for h in (cfg.get('default_hooks') or {}).values() if h]
    hooks += list(cfg.get('custom_hooks') or [])
    for hook in hooks:
        kind = hook.get('type')
        name = kind if isinstance(kind, str) else getattr(kind, '__name__',
                                                          '')
        if name.split('.')[-1] in STAGED_HOOKS:
            return hook
    return None


def _display_groups(model: nn.Module) -> List[List[str]]:
    try:
        return depth_groups(model)
    except ValueError:  # a structure the heuristic does not know
        return [[name] for name, child in model.named_children()
                if next(child.parameters(), None) is not None]


def schedule_report(cfg: Config, max_epochs: Optional[int] = None) -> Dict:
    """Describe the stages of ``cfg`` for a run of ``max_epochs``.

    Builds the model, the optimizer wrapper and the staged hook as the
    runner does (no data, no checkpoint), then applies each stage to the
    model with the hook's own code.

    Returns:
        dict: ``max_epochs``, ``notes`` (warnings: stages that cannot run,
        schedulers scaled), ``total_params`` and ``stages``: per stage
        ``index``, ``begin`` (epoch, 0-based, or None when a plateau or cap
        decides), ``ends``, ``lr_mult``, ``trainable`` (parameter names),
        ``params`` (their count), ``lrs`` (per trainable parameter, at the
        stage's start, before schedulers) and ``groups`` (per depth group:
        ``name``, ``params`` trainable, ``lr`` list).
    """
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    epochs = max_epochs or cfg.train_cfg.get('max_epochs')
    if epochs is None:
        raise ValueError('train_cfg has no max_epochs (an iteration-based '
                         'loop): staged unfreezing counts epochs')
    epochs = int(epochs)
    model = MODELS.build(cfg.model)
    hook_cfg = _hook_cfg(cfg)
    hook = None
    notes: List[str] = []
    if hook_cfg is not None:
        hook = HOOKS.build(hook_cfg)
        notes += hook.setup(model, epochs)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    lr_of = {}
    for group in wrapper.optimizer.param_groups:
        for param in group['params']:
            lr_of[id(param)] = group['lr']
    schedulers = cfg.get('param_scheduler') or []
    schedulers = schedulers if isinstance(schedulers, list) else [schedulers]
    _, fitted = fit_schedulers(list(schedulers), epochs, None, None)
    notes += fitted
    named = dict(model.named_parameters())
    groups = _display_groups(model)
    stages = []
    count = hook.schedule.num_stages if hook else 1
    for index in range(count):
        if hook is not None:
            trainable = hook.apply_stage(model, index)
            spec = hook.schedule.describe()[index]
        else:
            trainable = [n for n, p in named.items() if p.requires_grad]
            spec = dict(begin=0, ends=f'the end of training (epoch '
                        f'{epochs})', lr_mult=1.0)
        mult = spec.get('lr_mult', 1.0)
        by_group: Dict[str, dict] = OrderedDict()
        for name in trainable:
            g = group_of(name, groups)
            label = ', '.join(groups[g]) if g >= 0 else name
            entry = by_group.setdefault(label, dict(name=label, params=0,
                                                    lr=set()))
            entry['params'] += named[name].numel()
            entry['lr'].add(lr_of[id(named[name])] * mult)
        for entry in by_group.values():
            entry['lr'] = sorted(entry['lr'])
        stages.append(dict(
            index=index, begin=spec['begin'], ends=spec['ends'],
            lr_mult=mult, trainable=trainable,
            params=sum(named[n].numel() for n in trainable),
            lrs={n: lr_of[id(named[n])] * mult for n in trainable},
            groups=list(by_group.values())))
    return dict(max_epochs=epochs, notes=notes, stages=stages,
                total_params=sum(p.numel() for p in named.values()))


def format_report(report: Dict, title: str = '') -> str:
    """The report as the text ``print_schedule.py`` prints."""
    lines = [f'{title}: {report["max_epochs"]} epochs, '
             f'{len(report["stages"])} stage(s), '
             f'{report["total_params"]:,} parameters']
    for stage in report['stages']:
        begin = ('when the previous stage ends' if stage['begin'] is None
                 else f'at epoch {stage["begin"] + 1}')
        lines.append(f'stage {stage["index"] + 1} (begins {begin}, lr x '
                     f'{stage["lr_mult"]:g}): {stage["params"]:,} of '
                     f'{report["total_params"]:,} parameters train')
        for group in stage['groups']:
            lrs = ', '.join(f'{v:.3g}' for v in group['lr'])
            lines.append(f'  {group["name"]}: {group["params"]:,} params, '
                         f'lr {lrs}')
        lines.append(f'  ends at: {stage["ends"]}')
    lines += [f'note: {n}' for n in report['notes']]
    return '\n'.join(lines)
