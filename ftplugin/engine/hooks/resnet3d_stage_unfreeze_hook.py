import math
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
    It is :class:`StagedUnfreezeHook` otherwise (the same stage machinery):
    transitions by ``begin`` (epoch or fraction of the run), plateau or
    per-stage cap, best-of-stage restore, ``trainable`` patterns for the
    rest of the model, ``lr_mult``, resuming, DDP. ``stages='auto'`` with
    ``num_stages=n`` freezes all residual stages first and thaws them from
    the top in ``n - 1`` even steps.

    Example (SlowFast: head first, then the last two stages, then all)::

        dict(type='ResNet3dStageUnfreezeHook', stages=[
            dict(begin=0, frozen_stages=4),
            dict(begin=5, frozen_stages=2),
            dict(begin=10, frozen_stages=-1)])

    Args:
        stages (Sequence[dict] | str): ``dict(frozen_stages=int or
            dict(slow_path=int, fast_path=int), trainable=[patterns],
            lr_mult=float, begin=..., max_epochs=..., patience=...,
            restore_best=...)`` (see :class:`StagedUnfreezeHook`), the
            first at 0; or ``'auto'``.
            ``frozen_stages`` follows mmaction2: -1 nothing, 0 the stem,
            ``k`` the stem and stages 1..k; an int applies to every
            pathway. ``trainable`` defaults to ``['*']`` (everything the
            frozen stages leave); ``lr_mult`` to 1.
        backbone (str): Name of the backbone module in the model.
            Defaults to ``'backbone'``.
        **kwargs: :class:`StagedUnfreezeHook`'s other arguments
            (``num_stages``, ``monitor``, ``patience``, ...).
    """

    stage_keys = ('trainable', 'lr_mult', 'frozen_stages')

    def __init__(self, stages: Union[Sequence[dict], str],
                 backbone: str = 'backbone', **kwargs) -> None:
        self.backbone = backbone
        super().__init__(stages, **kwargs)

    def check_stage(self, index: int, stage: dict) -> dict:
        if 'frozen_stages' not in stage:
            raise ValueError(f'{self.cfg_key}.stages.{index} ({stage}) has '
                             f'no frozen_stages')
        return super().check_stage(
            index, dict(stage, trainable=stage.get('trainable', ['*'])))

    def make_auto_stages(self, model: nn.Module) -> List[dict]:
        """Stage ``k`` of ``n`` freezes the stem and the first
        ``S - ceil((k - 1) / (n - 1) * S)`` of the ``S`` residual stages (all
        at first, none in the last stage)."""
        depth = max(p.num_stages for p in self.pathways(model).values())
        n = self.num_stages
        if not 2 <= n <= depth + 1:
            raise ValueError(f'{self.cfg_key}: stages=\'auto\' with '
                             f'num_stages={n}: this backbone has {depth} '
                             f'residual stages, so 2 to {depth + 1} stages')
        frozen = [depth - math.ceil((k - 1) / (n - 1) * depth)
                  for k in range(1, n)] + [-1]
        return [dict(self.auto_stage_cfg, frozen_stages=f) for f in frozen]

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

    def apply_stage(self, model: nn.Module, index: int) -> List[str]:
        """Set the pathways' ``frozen_stages``, then ``requires_grad``."""
        frozen = self.schedule.specs[index]['frozen_stages']
        paths = self.pathways(model)
        for name, path in paths.items():
            if isinstance(frozen, int):
                path.frozen_stages = frozen
            elif name in frozen:
                path.frozen_stages = int(frozen[name])
            else:
                raise KeyError(f'{self.cfg_key}.stages.{index}: '
                               f'frozen_stages {frozen} names no value for '
                               f'pathway {name!r} (has {sorted(paths)})')
        super().apply_stage(model, index)
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
        return trainable

    def before_train_epoch(self, runner) -> None:
        changes = self.applied != self.schedule.index or \
            self.schedule.due(runner.epoch) is not None
        super().before_train_epoch(runner)
        if changes:
            runner.logger.info(
                f'{type(self).__name__}: frozen_stages ' + ', '.join(
                    f'{name or self.backbone}={path.frozen_stages}'
                    for name, path in self.pathways(
                        self._module(runner)).items()))
