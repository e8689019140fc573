from typing import List, Optional

import torch
import torch.nn.functional as F
from mmaction.models.losses import BaseWeightedLoss
from mmaction.registry import MODELS


@MODELS.register_module()
class FocalLoss(BaseWeightedLoss):
    """Softmax focal loss (Lin et al., ICCV 2017) with class weights.

    ``FL = -w_y (1 - p_y) ** gamma * log p_y`` with ``p = softmax(score)``;
    for soft labels (label smoothing, mixing) ``-sum_c y_c w_c (1 - p_c) **
    gamma * log p_c``. ``reduction='mean'`` divides by the summed target
    weights, as mmaction2's ``CrossEntropyLoss`` (and PyTorch's) do, so
    ``gamma=0`` is exactly the (weighted) cross-entropy.

    mmaction2's ``CBFocalLoss`` is sigmoid-based (while ``average_clips=
    'prob'`` scores with a softmax), takes hard labels only and gives
    infinite weights to classes without samples; hence this one.

    Args:
        gamma (float): Focusing exponent; 0 is cross-entropy.
            Defaults to 2.0.
        class_weight (list[float], optional): Per-class weights (``alpha``),
            e.g. from ``tools/analysis/class_weights.py``. Defaults to None.
        reduction (str): ``'mean'``, ``'sum'`` or ``'none'``.
            Defaults to ``'mean'``.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 gamma: float = 2.0,
                 class_weight: Optional[List[float]] = None,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__(loss_weight=loss_weight)
        if gamma < 0:
            raise ValueError(f'gamma must be >= 0, got {gamma}')
        if reduction not in ('mean', 'sum', 'none'):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', "
                             f'got {reduction!r}')
        self.gamma = float(gamma)
        self.reduction = reduction
        self.class_weight = (None if class_weight is None else
                             torch.tensor(class_weight, dtype=torch.float32))

    def _forward(self, cls_score: torch.Tensor, label: torch.Tensor,
                 **kwargs) -> torch.Tensor:
        """Focal loss of ``cls_score`` (N, K) against ``label``.

        Args:
            cls_score (torch.Tensor): Logits (N, K).
            label (torch.Tensor): Class ids (N, ) or soft labels (N, K).
        """
        num_classes = cls_score.shape[-1]
        if label.shape == cls_score.shape:
            target = label.to(cls_score.dtype)
        else:
            target = F.one_hot(label.long().view(-1), num_classes).to(
                cls_score.dtype)
        log_p = F.log_softmax(cls_score, dim=-1)
        # (1 - p) ** gamma; 0 ** 0 is 1 in torch, so gamma=0 is plain CE
        modulator = (1.0 - log_p.exp()).clamp(min=0)**self.gamma
        weight = (torch.ones(num_classes, dtype=cls_score.dtype,
                             device=cls_score.device)
                  if self.class_weight is None else self.class_weight.to(
                      cls_score.device, cls_score.dtype))
        loss = -(target * weight * modulator * log_p).sum(-1)
        if self.reduction == 'none':
            return loss
        if self.reduction == 'sum':
            return loss.sum()
        return loss.sum() / (target * weight).sum().clamp(min=1e-12)
