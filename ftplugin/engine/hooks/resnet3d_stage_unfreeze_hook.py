from typing import Dict, List, Sequence, Union

from mmaction.models.backbones import ResNet3d
from mmaction.registry import HOOKS
from torch import nn

from .staged_unfreeze_hook import StagedUnfreezeHook


@HOOKS.register_module()
class ResNet3dStageUnfreezeHook(StagedUnfreezeHook):
    """Gradual unfreezing of mmaction2 ResNet3d / SlowFast backbone stages.

    mmaction2's ``ResNet3d.train()`` re-freezes its ``frozen_stages``
    (stem, ``layer1`` .. ``layer<frozen_stages>`` and, on a SlowFast slow
    pathway, their lateral connections) on every ``model.train()``, i.e.
    at the start of every epoch and after every validation. Flipping
    ``requires_grad`` alone is therefore undone; this hook sets each
    pathway's ``frozen_stages`` itself, so mmaction2's own freezing agrees
    with the stage. The stem's lateral connection (``conv1_lateral``, which
    mmaction2's ``_freeze_stages`` leaves out) is frozen with the stem.
    It is :class:`StagedUnfreezeHook` otherwise: stages by 0-based epoch
    ``begin``, ``trainable`` patterns for the rest of the model,
    ``lr_mult``, resuming, DDP checks.

    Example (SlowFast: head first, then the last two stages, then all)::

        dict(type='ResNet3dStageUnfreezeHook', stages=[
            dict(begin=0, frozen_stages=4),
            dict(begin=5, frozen_stages=2),
            dict(begin=10, frozen_stages=-1)])

    Args:
        stages (Sequence[dict]): ``dict(begin=int, frozen_stages=int or
            dict(slow_path=int, fast_path=int), trainable=[patterns],
            lr_mult=float)`` sorted by ``begin``, the first at 0.
            ``frozen_stages`` follows mmaction2: -1 nothing, 0 the stem,
            ``k`` the stem and stages 1..k; an int applies to every
            pathway. ``trainable`` defaults to ``['*']`` (everything the
            frozen stages leave); ``lr_mult`` to 1.
        backbone (str): Name of the backbone module in the model.
            Defaults to ``'backbone'``.
    """

    def __init__(self, stages: Sequence[dict],
                 backbone: str = 'backbone') -> None:
        for stage in stages:
            if 'frozen_stages' not in stage:
                raise ValueError(f'stage {stage} has no frozen_stages')
        super().__init__([
            dict(begin=s.get('begin', 0),
                 trainable=list(s.get('trainable', ['*'])),
                 lr_mult=s.get('lr_mult', 1.0)) for s in stages
        ])
        self.frozen_stages: List[Union[int, Dict[str, int]]] = [
            s['frozen_stages'] for s in stages]
        self.backbone = backbone

    def pathways(self, model: nn.Module) -> Dict[str, ResNet3d]:
        """The ResNet3d modules of the backbone, by name ('' for itself).

        SlowFast gives ``slow_path`` and ``fast_path``; SlowOnly / I3D the
        backbone itself.
        """
        backbone = model.get_submodule(self.backbone)
        if isinstance(backbone, ResNet3d):
            return {'': backbone}
        found = {name: module for name, module in backbone.named_children()
                 if isinstance(module, ResNet3d)}
        if not found:
            raise TypeError(f'{self.backbone} ({type(backbone).__name__}) '
                            f'is neither a ResNet3d nor holds ResNet3d '
                            f'pathways')
        return found

    def apply_trainable(self, runner, patterns: Sequence[str]) -> List[str]:
        """Set the pathways' ``frozen_stages``, then ``requires_grad``."""
        model = self._module(runner)
        index = self.stage_index(runner.epoch)
        frozen = self.frozen_stages[index]
        paths = self.pathways(model)
        for name, path in paths.items():
            if isinstance(frozen, int):
                path.frozen_stages = frozen
            elif name in frozen:
                path.frozen_stages = int(frozen[name])
            else:
                raise KeyError(f'stage {index + 1}: frozen_stages {frozen} '
                               f'names no value for pathway {name!r} (has '
                               f'{sorted(paths)})')
        super().apply_trainable(runner, patterns)
        for path in paths.values():
            # mmaction2's own definition of what a frozen stage holds; the
            # train loop's model.train() will apply the same again
            path._freeze_stages()
            if path.frozen_stages >= 0 and hasattr(path, 'conv1_lateral'):
                # the stem's fast-to-slow fusion, which _freeze_stages
                # leaves trainable (mmaction2 1.2.0); train() never resets
                # requires_grad, so this holds for the whole stage
                path.conv1_lateral.eval()
                for param in path.conv1_lateral.parameters():
                    param.requires_grad = False
        trainable = []
        for name, param in model.named_parameters():
            if param.requires_grad:
                trainable.append(name)
            else:
                param.grad = None
        if index != self.current:
            runner.logger.info(
                'ResNet3dStageUnfreezeHook: frozen_stages ' + ', '.join(
                    f'{name or self.backbone}={path.frozen_stages}'
                    for name, path in paths.items()))
        return trainable
