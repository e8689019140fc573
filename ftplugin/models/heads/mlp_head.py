import math
from typing import Dict, Optional, Sequence

import torch
from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from torch import nn

TRAIN_AGGREGATES = ('max', 'prob', None)


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
        positive_class (int): The class ``average_clips='max'`` and
            ``train_aggregate='max'`` look at. Defaults to 1 (``Fall``).
        train_aggregate (str, optional): How the class probabilities of the
            clips of one sample are combined before the classification loss
            when training on several clips per sample (multiple-instance
            learning: the sample's label applies to the sample, not to each
            clip). ``'max'``: the probabilities of the clip where
            ``positive_class`` is most probable, the same rule as
            ``average_clips='max'`` at test time (a file is a fall if any
            window is); ``'prob'``: the mean of the clips' probabilities.
            The aggregated log-probabilities go to ``loss_cls`` as logits,
            so it must be a softmax loss (``CrossEntropyLoss``, label
            smoothing included). None (default): training takes one clip
            per sample, several are an error.
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
                 train_aggregate: Optional[str] = None,
                 **kwargs) -> None:
        kwargs.setdefault('topk', (1, ))
        super().__init__(num_classes, in_channels, **kwargs)
        if self.average_clips not in ('score', 'prob', 'max', None):
            raise ValueError(f"average_clips must be 'score', 'prob', 'max' "
                             f'or None, got {self.average_clips!r}')
        if not 0 <= positive_class < num_classes:
            raise ValueError(f'positive_class must be in [0, {num_classes}),'
                             f' got {positive_class}')
        if train_aggregate not in TRAIN_AGGREGATES:
            raise ValueError(f'train_aggregate must be one of '
                             f'{TRAIN_AGGREGATES}, got {train_aggregate!r}')
        self.positive_class = positive_class
        self.train_aggregate = train_aggregate
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

    def loss(self, feats: torch.Tensor, data_samples: SampleList,
             num_segs: int = 1, **kwargs) -> Dict:
        """Classification loss of (N * num_segs, in_channels) clip features,
        one label per sample: the clips' probabilities are aggregated per
        sample first (``train_aggregate``)."""
        cls_scores = self(feats)
        if num_segs > 1:
            cls_scores = self.aggregate_train_clips(cls_scores, num_segs)
        return self.loss_by_feat(cls_scores, data_samples)

    def aggregate_train_clips(self, cls_scores: torch.Tensor,
                              num_segs: int) -> torch.Tensor:
        """Log-probabilities of each sample from its clips' logits.

        Args:
            cls_scores (torch.Tensor): (N * num_segs, num_classes) logits.
            num_segs (int): Clips per sample.

        Returns:
            torch.Tensor: (N, num_classes) log-probabilities (they sum to
            one in probability, so a softmax loss takes them as logits).
        """
        if self.train_aggregate is None:
            raise ValueError(
                f'{num_segs} clips per training sample need '
                f"train_aggregate='max' or 'prob' in the head (one label per "
                f'sample); got train_aggregate=None')
        log_probs = cls_scores.log_softmax(dim=-1).view(
            -1, num_segs, cls_scores.shape[-1])
        if self.train_aggregate == 'prob':
            return torch.logsumexp(log_probs, dim=1) - math.log(num_segs)
        # the gradient reaches only the most fall-like clip of each sample
        best = log_probs[..., self.positive_class].argmax(dim=1)
        return log_probs[torch.arange(len(log_probs)), best]
