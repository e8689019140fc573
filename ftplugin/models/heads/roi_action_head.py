from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from ..losses.focal_loss import FocalLoss

ACTIVATIONS = {'softmax': ('ce', 'focal'), 'sigmoid': ('bce', 'focal')}


def _sigmoid_loss(logits: Tensor, target: Tensor, kind: str, gamma: float,
                  alpha: Optional[float]) -> Tensor:
    """Mean sigmoid BCE or focal loss over boxes and classes."""
    bce = F.binary_cross_entropy_with_logits(logits, target,
                                             reduction='none')
    if kind == 'focal':
        prob = logits.sigmoid()
        p_t = prob * target + (1 - prob) * (1 - target)
        bce = bce * (1 - p_t).pow(gamma)
        if alpha is not None:
            bce = bce * (alpha * target + (1 - alpha) * (1 - target))
    return bce.mean()


@MODELS.register_module()
class RoIActionHead(BaseModule):
    """Action classifier of RoI features, with AlphAction's class groups.

    RoI features (R, C, h, w) are pooled over space (max, as mmaction2's
    AVA head; or avg), passed through dropout, an optional hidden layer and
    a linear layer to one logit per class. The classes are split into
    groups, each with its own activation and loss:

    - ``softmax``: mutually exclusive classes (e.g. postures), cross-
      entropy (``loss='ce'``) or softmax focal (``'focal'``); a box with no
      label in the group adds nothing to its loss, several labels share the
      target equally;
    - ``sigmoid``: independent (multi-label) classes, binary cross-entropy
      (``'bce'``) or sigmoid focal (``'focal'``).

    The total loss is the sum of ``loss_weight`` x group loss; each group's
    loss is logged as ``loss_<name>``. The default is one sigmoid BCE group
    of all classes named ``action`` (a plain multi-label head for any custom
    label set).

    ``ia`` adds AlphAction's Interaction Aggregation
    (:class:`~ftplugin.models.heads.ia.InteractionAggregation`) between the
    spatial pooling and the classifier: the detector then passes the clip of
    each box, the object features and the memory (``ia_inputs``).

    Args:
        in_channels (int): Channels of the RoI features.
        num_classes (int): K.
        groups (list[dict], optional): ``dict(classes=[...], activation=
            'softmax'|'sigmoid', loss='ce'|'bce'|'focal', loss_weight=1.0,
            gamma=2.0, alpha=None, name=...)``; ``classes=None`` takes
            every class no other group lists. Every class must be in
            exactly one group. Defaults to all-sigmoid BCE.
        spatial_pool (str): ``'max'`` or ``'avg'``. Defaults to ``'max'``.
        mid_channels (int, optional): A hidden layer (+ ReLU) of this width.
            Defaults to None.
        dropout_ratio (float): Dropout before the classifier.
            Defaults to 0.2 (the guide's ``DROPOUT_RATE``).
        init_std (float): Std of the classifier's initial weights.
            Defaults to 0.01.
        ia (dict, optional): Interaction aggregation config (its
            ``in_channels`` defaults to ``in_channels``; ``type`` to
            ``'InteractionAggregation'``). Defaults to None (off).
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 groups: Optional[Sequence[dict]] = None,
                 spatial_pool: str = 'max',
                 mid_channels: Optional[int] = None,
                 dropout_ratio: float = 0.2,
                 init_std: float = 0.01,
                 ia: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if spatial_pool not in ('max', 'avg'):
            raise ValueError(f"spatial_pool must be 'max' or 'avg', got "
                             f'{spatial_pool!r}')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.spatial_pool = spatial_pool
        self.groups = self._check_groups(groups, num_classes)
        self.ia = None
        if ia:
            ia = dict(type='InteractionAggregation', **ia)
            ia.setdefault('in_channels', in_channels)
            self.ia = MODELS.build(ia)
        layers: List[nn.Module] = []
        if dropout_ratio > 0:
            layers.append(nn.Dropout(dropout_ratio))
        width = in_channels
        if mid_channels:
            layers += [nn.Linear(in_channels, mid_channels),
                       nn.ReLU(inplace=True)]
            width = mid_channels
            if dropout_ratio > 0:
                layers.append(nn.Dropout(dropout_ratio))
        self.hidden = nn.Sequential(*layers)
        self.fc_cls = nn.Linear(width, num_classes)
        nn.init.normal_(self.fc_cls.weight, 0, init_std)
        nn.init.zeros_(self.fc_cls.bias)
        self._focal = {i: FocalLoss(gamma=g['gamma'] if g['loss'] ==
                                    'focal' else 0.0)
                       for i, g in enumerate(self.groups)
                       if g['activation'] == 'softmax'}

    @staticmethod
    def _check_groups(groups: Optional[Sequence[dict]],
                      num_classes: int) -> List[dict]:
        if groups is None:
            groups = [dict(name='action', classes=None,
                           activation='sigmoid', loss='bce')]
        listed = [c for g in groups if g.get('classes') is not None
                  for c in g['classes']]
        rest = [c for c in range(num_classes) if c not in listed]
        out = []
        for i, g in enumerate(groups):
            unknown = set(g) - {'name', 'classes', 'activation', 'loss',
                                'loss_weight', 'gamma', 'alpha'}
            if unknown:
                raise KeyError(f'groups[{i}]: unknown key(s) '
                               f'{sorted(unknown)}')
            activation = g.get('activation', 'sigmoid')
            if activation not in ACTIVATIONS:
                raise ValueError(f'groups[{i}] activation must be one of '
                                 f'{list(ACTIVATIONS)}, got {activation!r}')
            loss = g.get('loss', ACTIVATIONS[activation][0])
            if loss not in ACTIVATIONS[activation]:
                raise ValueError(f'groups[{i}] loss of a {activation} group '
                                 f'must be one of {ACTIVATIONS[activation]},'
                                 f' got {loss!r}')
            classes = list(g['classes']) if g.get(
                'classes') is not None else rest
            out.append(dict(
                name=g.get('name', f'{activation}{i}'), classes=classes,
                activation=activation, loss=loss,
                loss_weight=float(g.get('loss_weight', 1.0)),
                gamma=float(g.get('gamma', 2.0)), alpha=g.get('alpha')))
        every = sorted(c for g in out for c in g['classes'])
        if every != list(range(num_classes)):
            raise ValueError(f'groups must hold every class 0..'
                             f'{num_classes - 1} exactly once, got {every}')
        if len({g['name'] for g in out}) != len(out):
            raise ValueError('groups need distinct names')
        return out

    def pool(self, x: Tensor) -> Tensor:
        """(R, C) of RoI features (R, C, h, w) (spatial pooling)."""
        return (x.amax(dim=(2, 3)) if self.spatial_pool == 'max' else
                x.mean(dim=(2, 3)))

    def forward(self, x: Tensor, ia_inputs: Optional[dict] = None) -> Tensor:
        """Logits (R, K) of RoI features (R, C, h, w) or pooled ones (R, C).

        Args:
            x (Tensor): RoI features.
            ia_inputs (dict, optional): With ``ia``: the keyword arguments
                of :meth:`InteractionAggregation.forward` besides ``x``
                (``clip_index``, ``num_clips``, ``objects``, ``memory``).
        """
        if x.ndim == 4:
            x = self.pool(x)
        if self.ia is not None:
            if ia_inputs is None:
                raise ValueError('RoIActionHead with ia needs ia_inputs (the '
                                 'clip of each box, objects, memory)')
            x = self.ia(x, **ia_inputs)
        return self.fc_cls(self.hidden(x))

    def loss_by_labels(self, logits: Tensor,
                       labels: Tensor) -> Dict[str, Tensor]:
        """Group losses of logits (R, K) against multi-hot labels (R, K)."""
        labels = labels.to(logits.dtype)
        losses = {}
        for i, g in enumerate(self.groups):
            idx = torch.as_tensor(g['classes'], device=logits.device)
            lg, tg = logits[:, idx], labels[:, idx]
            if g['activation'] == 'softmax':
                has = tg.sum(1) > 0
                if has.any():
                    target = tg[has] / tg[has].sum(1, keepdim=True)
                    value = self._focal[i](lg[has], target)
                else:  # no box labelled in this group: zero, with a graph
                    value = lg.sum() * 0
            else:
                value = _sigmoid_loss(lg, tg, g['loss'], g['gamma'],
                                      g['alpha'])
            losses[f'loss_{g["name"]}'] = g['loss_weight'] * value
        return losses

    def predict_scores(self, logits: Tensor) -> Tensor:
        """Per-class scores (R, K): softmax within exclusive groups, sigmoid
        elsewhere."""
        parts, order = [], []
        for g in self.groups:
            idx = torch.as_tensor(g['classes'], device=logits.device)
            part = logits.index_select(1, idx)
            parts.append(part.softmax(-1) if g['activation'] == 'softmax'
                         else part.sigmoid())
            order += g['classes']
        # back to class order (a gather: exports to ONNX as it is)
        inverse = torch.as_tensor(
            sorted(range(len(order)), key=order.__getitem__),
            device=logits.device)
        return torch.cat(parts, 1).index_select(1, inverse)
