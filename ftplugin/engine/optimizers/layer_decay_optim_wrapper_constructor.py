import logging
from collections import defaultdict
from typing import List, Optional, Sequence, Union

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from ..stages.depth_groups import depth_groups, group_of

KEYS = ('layer_decay_rate', 'layer_groups')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Layer-wise lr decay (discriminative lrs, as ULMFiT and BEiT): the
    parameters of depth group ``d`` (0 at the top: the heads) train at
    ``lr x layer_decay_rate ** d``, on top of everything mmengine's
    ``paramwise_cfg`` sets (``custom_keys``, ``bias_decay_mult``, ...).

    Every parameter is in the optimizer, also one frozen when it is built
    (mmengine's constructor would leave it out): a stage of
    :class:`~ftplugin.engine.hooks.StagedUnfreezeHook` may thaw it later, and
    the stages' ``lr_mult`` scales these lrs as it scales any other. Each
    group records its ``layer_depth``; the depths and lrs are logged.

    Example::

        optim_wrapper = dict(
            constructor='LayerDecayOptimWrapperConstructor',
            optimizer=dict(type='AdamW', lr=3e-4),
            paramwise_cfg=dict(layer_decay_rate=0.7, layer_groups='auto'))

    Args:
        optim_wrapper_cfg (dict): As mmengine's.
        paramwise_cfg (dict): mmengine's keys plus ``layer_decay_rate``
            (float in (0, 1]) and ``layer_groups``: ``'auto'`` (the
            model's depth order, :func:`~ftplugin.engine.stages.
            depth_groups`) or a list of module-name pattern lists from the
            input to the output; a parameter takes the last group that
            matches it (so a first group ``['*']`` catches the rest), and one
            in no group is an error.
    """

    def __init__(self, optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None) -> None:
        paramwise_cfg = dict(paramwise_cfg or {})
        rate = paramwise_cfg.get('layer_decay_rate')
        if not isinstance(rate, (int, float)) or not 0 < rate <= 1:
            raise ValueError(
                f'optim_wrapper.paramwise_cfg.layer_decay_rate must be a '
                f'number in (0, 1], got {rate!r}')
        self.decay_rate = float(rate)
        self.layer_groups: Union[str, Sequence[Sequence[str]]] = \
            paramwise_cfg.get('layer_groups', 'auto')
        if self.layer_groups != 'auto' and (
                isinstance(self.layer_groups, str)
                or not all(isinstance(g, (list, tuple)) and g
                           for g in self.layer_groups)):
            raise ValueError(
                'optim_wrapper.paramwise_cfg.layer_groups must be \'auto\' '
                'or a list of non-empty lists of module-name patterns, got '
                f'{self.layer_groups!r}')
        # the keys stay in paramwise_cfg: mmengine ignores them, and a
        # non-empty paramwise_cfg gives one param group per parameter
        super().__init__(optim_wrapper_cfg, paramwise_cfg)

    def groups_of(self, model: nn.Module) -> List[List[str]]:
        if self.layer_groups == 'auto':
            return depth_groups(model)
        return [list(g) for g in self.layer_groups]

    def __call__(self, model: nn.Module):
        module = model.module if hasattr(model, 'module') else model
        groups = self.groups_of(module)
        self._depth = {}
        missing = []
        for name, _ in module.named_parameters():
            index = group_of(name, groups)
            if index < 0:
                missing.append(name)
            self._depth[name] = len(groups) - 1 - index
        if missing:
            raise ValueError(
                f'optim_wrapper.paramwise_cfg.layer_groups: {len(missing)} '
                f'parameter(s) lie in no group, e.g. {missing[:3]}; add '
                f'patterns for them or begin the list with [\'*\']')
        frozen = [p for p in module.parameters() if not p.requires_grad]
        for param in frozen:  # in the optimizer too (see the docstring)
            param.requires_grad = True
        try:
            wrapper = super().__call__(model)
        finally:
            for param in frozen:
                param.requires_grad = False
        self._log(wrapper, groups)
        return wrapper

    def add_params(self, params: List[dict], module: nn.Module,
                   prefix: str = '', is_dcn_module=None) -> None:
        start = len(params)
        super().add_params(params, module, prefix, is_dcn_module)
        own = dict(module.named_parameters(prefix=prefix, recurse=False))
        by_id = {id(p): n for n, p in own.items()}
        for group in params[start:]:
            name = by_id.get(id(group['params'][0]))
            if name is None:  # a child's, already scaled in its call
                continue
            depth = self._depth[name]
            group['lr'] = group.get('lr', self.base_lr) * (
                self.decay_rate**depth)
            group['layer_depth'] = depth

    def _log(self, wrapper, groups) -> None:
        lrs = defaultdict(set)
        for group in wrapper.optimizer.param_groups:
            lrs[group.get('layer_depth')].add(group['lr'])
        lines = [f'  depth {d} ({", ".join(groups[len(groups) - 1 - d])}): '
                 f'lr {", ".join(f"{v:.3g}" for v in sorted(lrs[d]))}'
                 for d in sorted(k for k in lrs if k is not None)]
        print_log(f'LayerDecayOptimWrapperConstructor: decay '
                  f'{self.decay_rate} over {len(groups)} depth groups\n'
                  + '\n'.join(lines), logger='current', level=logging.INFO)
