from typing import Sequence

import torch
from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS
from torch import nn


@MODELS.register_module()
class MLPHead(BaseHead):
    """Classification head of stacked Linear-ReLU-Dropout layers.

    With the defaults it is the original project's fall classifier, 128 -> 64
    -> 32 -> 2 with dropout 0.3; its layers live in ``classifier`` under the
    same indices as the original project's, so the original project's
    fine-tuned head loads unchanged.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Size of the input feature.
        hidden_dims (Sequence[int]): Hidden layer sizes. Defaults to (64, 32).
        dropout (float): Dropout after each hidden layer. Defaults to 0.3.
        **kwargs: See mmaction2's ``BaseHead`` (``loss_cls``, ``topk``,
            ``average_clips``, ...).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 hidden_dims: Sequence[int] = (64, 32),
                 dropout: float = 0.3,
                 **kwargs) -> None:
        kwargs.setdefault('topk', (1, ))
        super().__init__(num_classes, in_channels, **kwargs)
        layers, c_in = [], in_channels
        for c_out in hidden_dims:
            layers += [nn.Linear(c_in, c_out), nn.ReLU(inplace=True),
                       nn.Dropout(dropout)]
            c_in = c_out
        layers.append(nn.Linear(c_in, num_classes))
        self.classifier = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """(N, in_channels) features -> (N, num_classes) logits."""
        return self.classifier(x)
