"""A model's parameters in depth order, from its input to its output: the
groups that ``stages='auto'`` thaws from the top down and that layer-wise
lr decay gives smaller lrs the deeper they lie.

The order is read from the model's structure: a backbone's blocks in
registration order (the elements of a ``ModuleList`` / ``Sequential`` of
like blocks, the layers of an LSTM, a ResNet's residual blocks), parallel
pathways (SlowFast) side by side, a ``<name>_lateral`` connection with
``<name>``, and everything outside the backbone (heads, necks) on top. It
is a heuristic: ``tools/analysis/print_schedule.py CONFIG`` shows what it
found; give module-name patterns where it is wrong.
"""
import math
from itertools import zip_longest
from typing import Dict, List, Sequence

from torch import nn

from ...models.utils import in_modules

Group = List[str]  # module-name patterns (see in_modules)


def _join(prefix: str, name: str) -> str:
    return f'{prefix}.{name}' if prefix else name


def _has_params(module: nn.Module) -> bool:
    return next(module.parameters(), None) is not None


def _is_block_list(module: nn.Module) -> bool:
    """A ModuleList / Sequential of at least two blocks of one type (not a
    Linear-BatchNorm-ReLU stack, whose elements are no depth levels)."""
    if not isinstance(module, (nn.ModuleList, nn.Sequential)):
        return False
    items = [c for c in module.children() if _has_params(c)]
    return (len(items) > 1 and len({type(c) for c in items}) == 1
            and all(next(c.children(), None) is not None for c in items))


def _rnn_layers(module: nn.RNNBase, prefix: str) -> List[Group]:
    return [[_join(prefix, f'*_l{k}'), _join(prefix, f'*_l{k}_reverse')]
            for k in range(module.num_layers)]


def _child_groups(child: nn.Module, name: str) -> List[Group]:
    if isinstance(child, nn.RNNBase):
        return _rnn_layers(child, name)
    if _is_block_list(child):
        return [[_join(name, n)] for n, c in child.named_children()
                if _has_params(c)]
    return [[name]]


def module_groups(module: nn.Module, prefix: str = '') -> List[Group]:
    """Depth groups of ``module`` (named ``prefix`` in the model), from its
    input to its output."""
    own = [_join(prefix, n) for n, _ in module.named_parameters(
        recurse=False)]
    children = [(n, c) for n, c in module.named_children()
                if _has_params(c)]
    if isinstance(module, nn.RNNBase):
        return _rnn_layers(module, prefix)
    if _is_block_list(module):
        return [[_join(prefix, n)] for n, _ in children]
    groups: List[Group] = [own] if own else []
    if len(children) == 1 and not own:
        name, child = children[0]
        return module_groups(child, _join(prefix, name))
    kinds = {type(c) for _, c in children}
    if (len(children) > 1 and len(kinds) == 1
            and not issubclass(kinds.pop(), (nn.Sequential, nn.ModuleList))
            and next(children[0][1].children(), None) is not None):
        # parallel pathways of one kind: their k-th levels side by side
        per_path = [module_groups(c, _join(prefix, n)) for n, c in children]
        return groups + [sum((g for g in level if g), [])
                         for level in zip_longest(*per_path)]
    index: Dict[str, int] = {}
    for name, child in children:
        base = name[:-len('_lateral')] if name.endswith('_lateral') else None
        if base in index:  # SlowFast's fusion joins its pathway's level
            groups[index[base]].append(_join(prefix, name))
            continue
        groups.extend(_child_groups(child, _join(prefix, name)))
        index[name] = len(groups) - 1
    return groups


def depth_groups(model: nn.Module) -> List[Group]:
    """The model's parameters in depth groups, from the input to the
    output; the last group is everything outside the backbone (the heads).

    Args:
        model (nn.Module): A model with a ``backbone`` (any other model is
            read as one backbone whose last group is its top).

    Returns:
        list[list[str]]: Module-name patterns per group; every parameter
        lies in exactly one group.
    """
    backbone = getattr(model, 'backbone', None)
    if not isinstance(backbone, nn.Module):
        groups = module_groups(model)
    else:
        groups = module_groups(backbone, 'backbone')
        own = [n for n, _ in model.named_parameters(recurse=False)]
        if own:
            groups.insert(0, own)
        top = [n for n, c in model.named_children()
               if c is not backbone and _has_params(c)]
        if top:
            groups.append(top)
    names = [n for n, _ in model.named_parameters()]
    for name in names:
        hits = [i for i, g in enumerate(groups) if in_modules(name, g)]
        if len(hits) != 1:  # a structure the heuristic does not know
            raise ValueError(
                f'automatic depth groups: parameter {name} lies in '
                f'{len(hits)} groups ({groups}); give the groups as '
                f'module-name patterns instead')
    return groups


def group_of(name: str, groups: Sequence[Group]) -> int:
    """Index of the last (top-most) group whose patterns match ``name``,
    so that a first group ``['*']`` catches everything else; -1 if none."""
    for i in range(len(groups) - 1, -1, -1):
        if in_modules(name, groups[i]):
            return i
    return -1


def auto_stages(groups: Sequence[Group], num_stages: int) -> List[Group]:
    """Trainable patterns of ``num_stages`` stages: the top group (the
    heads) first, then ever deeper backbone groups, then everything.

    Stage ``k`` of ``n`` (1-based, 1 < k < n) trains the heads and the top
    ``ceil((k - 1) / (n - 1) * B)`` of the ``B`` backbone groups; stage
    ``n`` trains ``['*']``.
    """
    body = list(groups[:-1])
    if num_stages < 1 or num_stages > len(body) + 1:
        raise ValueError(
            f'stages=\'auto\' with num_stages={num_stages}: this model has '
            f'{len(groups)} depth groups, so 1 to {len(body) + 1} stages')
    stages = []
    for k in range(1, num_stages):
        count = math.ceil((k - 1) / (num_stages - 1) * len(body))
        stages.append(sum(body[len(body) - count:], []) + list(groups[-1]))
    return stages + [['*']]
