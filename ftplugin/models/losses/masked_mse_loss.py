from typing import Optional

import torch
from mmaction.registry import MODELS
from torch import nn


@MODELS.register_module()
class MaskedMSELoss(nn.Module):
    """Mean squared error over the valid elements only.

    Without a mask it is the plain MSE (used for pose reconstruction); with
    one it averages over the elements where the mask is true, so padded time
    steps neither count nor dilute the mean.

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self,
                pred: torch.Tensor,
                target: torch.Tensor,
                mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Weighted mean of ``(pred - target) ** 2`` where ``mask`` holds.

        Args:
            pred (torch.Tensor): Predictions.
            target (torch.Tensor): Targets of the same shape.
            mask (torch.Tensor, optional): Broadcastable to ``pred``; true
                (or 1) where the element counts. Defaults to None (all).
        """
        squared = (pred - target.to(pred.dtype)) ** 2
        if mask is None:
            return self.loss_weight * squared.mean()
        mask = mask.to(squared.dtype).expand_as(squared)
        # clamp: an all-padding batch gives 0, not NaN
        return self.loss_weight * (squared * mask).sum() / mask.sum().clamp(
            min=1)
