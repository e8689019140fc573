from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn


@MODELS.register_module()
class HeartRateHead(BaseModule):
    """Per-step linear regression of heart rate, with its masked loss.

    (N, T, in_channels) hidden states -> (N, T, 1). The linear layer is the
    child ``fc`` (the original project's ``fc.weight``, ``fc.bias`` under the
    task model's ``head.`` prefix). The loss compares predictions and targets
    in BPM over the valid (unpadded) steps only.

    Args:
        in_channels (int): Size of the hidden state. Defaults to 64.
        dropout (float): Dropout before the linear layer. Defaults to 0.0.
        loss (dict): Loss config, called as ``loss(pred, target, mask)``.
            Defaults to ``dict(type='MaskedMSELoss')`` (BPM squared).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int = 64,
                 dropout: float = 0.0,
                 loss: dict = dict(type='MaskedMSELoss'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(in_channels, 1)
        self.loss_module = MODELS.build(loss)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, T, in_channels) -> (N, T, 1)."""
        return self.fc(self.dropout(x))

    def loss(self, pred: torch.Tensor, target: torch.Tensor,
             mask: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_hr``: the loss of (N, T, 1) predictions over valid steps.

        Args:
            pred (torch.Tensor): Predicted heart rate in BPM.
            target (torch.Tensor): Measured heart rate in BPM.
            mask (torch.Tensor): True where the step is valid.

        Returns:
            dict[str, torch.Tensor]: ``{'loss_hr': loss}``.
        """
        return dict(loss_hr=self.loss_module(pred, target, mask))
