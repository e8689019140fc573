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
        positive_class (int): The class ``average_clips='max'`` looks at.
            Defaults to 1 (``Fall``).
        **kwargs: See mmaction2's ``BaseHead`` (``loss_cls``, ``topk``,
            ``average_clips``, ...). Besides mmaction2's ``'prob'`` (mean of
            the clips' probabilities), ``'score'`` and None,
            ``average_clips='max'`` gives each sample the probabilities of
            its clip where ``positive_class`` is most probable: one fall
            anywhere in a file makes the file a fall.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 hidden_dims: Sequence[int] = (64, 32),
                 dropout: float = 0.3,
                 positive_class: int = 1,
                 **kwargs) -> None:
        kwargs.setdefault('topk', (1, ))
        super().__init__(num_classes, in_channels, **kwargs)
        if self.average_clips not in ('score', 'prob', 'max', None):
            raise ValueError(f"average_clips must be 'score', 'prob', 'max' "
                             f'or None, got {self.average_clips!r}')
        if not 0 <= positive_class < num_classes:
            raise ValueError(f'positive_class must be in [0, {num_classes}),'
                             f' got {positive_class}')
        self.positive_class = positive_class
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

    def average_clip(self,
                     cls_scores: torch.Tensor,
                     num_segs: int = 1) -> torch.Tensor:
        """Aggregate the scores of the ``num_segs`` clips of each sample.

        Args:
            cls_scores (torch.Tensor): (N * num_segs, num_classes) logits.
            num_segs (int): Clips per sample.

        Returns:
            torch.Tensor: (N, num_classes) aggregated scores.
        """
        if self.average_clips != 'max':
            return super().average_clip(cls_scores, num_segs)
        probs = cls_scores.softmax(dim=-1).view(-1, num_segs,
                                                cls_scores.shape[-1])
        best = probs[..., self.positive_class].argmax(dim=1)
        return probs[torch.arange(len(probs)), best]
