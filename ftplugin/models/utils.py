"""Freezing by module-name pattern, shared by every family's models/hooks."""
from fnmatch import fnmatch
from typing import Iterable, List, Sequence

from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


def in_modules(name: str, patterns: Sequence[str]) -> bool:
    """Whether parameter (or state-dict key) ``name`` lies in a module named
    by one of the glob ``patterns``: ``'cls_head'`` matches
    ``'cls_head.fc.weight'``, ``'*'`` everything.

    Args:
        name (str): A qualified parameter name or state-dict key.
        patterns (Sequence[str]): ``fnmatch`` patterns of module names.

    Returns:
        bool: True where one pattern matches ``name`` or a prefix module.
    """
    return any(
        fnmatch(name, p) or fnmatch(name, p + '.*') for p in patterns)


def match_modules(model: nn.Module,
                  patterns: Iterable[str]) -> List[nn.Module]:
    """Modules whose qualified name matches one of the glob ``patterns``.

    Args:
        model (nn.Module): The root module.
        patterns (Iterable[str]): ``fnmatch`` patterns such as
            ``'encoder'`` or ``'blocks.1*'``.

    Returns:
        list[nn.Module]: Matching modules, outermost first.
    """
    patterns = list(patterns)
    return [module for name, module in model.named_modules()
            if name and any(fnmatch(name, p) for p in patterns)]


def freeze_modules(model: nn.Module, patterns: Iterable[str]) -> None:
    """Stop gradients and statistics updates of the matching modules.

    Parameters get ``requires_grad=False`` and normalisation layers are put in
    eval mode, so their running statistics stay the pretrained ones. Call it
    again after every ``model.train()`` (see :func:`keep_frozen_in_eval`).

    Args:
        model (nn.Module): The root module.
        patterns (Iterable[str]): See :func:`match_modules`.
    """
    for module in match_modules(model, patterns):
        for param in module.parameters():
            param.requires_grad = False
        keep_frozen_in_eval(module)


def keep_frozen_in_eval(module: nn.Module) -> None:
    """Put the BatchNorm layers of ``module`` whose weights are frozen in eval.

    Args:
        module (nn.Module): Module to walk.
    """
    for layer in module.modules():
        if isinstance(layer, _BatchNorm) and not any(
                p.requires_grad for p in layer.parameters()):
            layer.eval()
