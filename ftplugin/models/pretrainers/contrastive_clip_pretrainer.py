from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from torch import nn

from .base_clip_pretrainer import BaseClipPretrainer


@MODELS.register_module()
class ContrastiveClipPretrainer(BaseClipPretrainer):
    """Contrastive pretraining of video clips (SimCLR): two augmented views
    of the same moment are pulled together, other moments pushed apart.

    The inputs hold ``V >= 2`` views per sample, ``(N, V, C, T, H, W)``
    (:class:`~ftplugin.datasets.MultiViewClips` in the pipeline). Each view
    goes through the backbone, a global average pool and a projector (linear,
    BatchNorm, ReLU, linear); ``loss_contrast`` (``InfoNCELoss``) compares
    the projections of all views of the batch. The projector is dropped
    when fine-tuning: only ``backbone.`` is loaded.

    Args:
        backbone (dict): The video backbone (e.g. ``ResNet3dSlowOnly``).
        in_channels (int): Channels of the backbone's feature map.
        hidden_channels (int): Projector hidden width. Defaults to 256.
        proj_channels (int): Projection (embedding) size. Defaults to 64.
        loss_contrast (dict): Defaults to
            ``dict(type='InfoNCELoss', temperature=0.1)``.
        data_preprocessor (dict, optional), init_cfg (dict, optional): As
            :class:`BaseClipPretrainer`.
    """

    def __init__(self,
                 backbone: dict,
                 in_channels: int,
                 hidden_channels: int = 256,
                 proj_channels: int = 64,
                 loss_contrast: dict = dict(type='InfoNCELoss',
                                            temperature=0.1),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, data_preprocessor, init_cfg)
        self.projector = nn.Sequential(
            nn.Linear(in_channels, hidden_channels),
            nn.BatchNorm1d(hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, proj_channels))
        self.loss_contrast = MODELS.build(loss_contrast)

    def embed(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(N, V, C, T, H, W)`` -> projections ``(N, V, proj_channels)``."""
        views = self.views(inputs)
        n, v = views.shape[:2]
        feats = self.pooled_features(views.flatten(0, 1))
        return self.projector(feats).reshape(n, v, -1)

    def _forward(self, inputs: torch.Tensor, **kwargs) -> torch.Tensor:
        """The projections ``(N, V, proj_channels)``."""
        return self.embed(inputs)

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """``loss_contrast`` over the views of the batch."""
        views = self.views(inputs)
        if views.shape[1] < 2:
            raise ValueError(
                'ContrastiveClipPretrainer needs >= 2 views per sample; '
                'put MultiViewClips(num_views=2, transforms=[...]) in the '
                'training pipeline before FormatShape')
        return dict(loss_contrast=self.loss_contrast(self.embed(views)))

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Data samples with ``feature``, the pooled backbone feature of
        each sample (averaged over its views): the representation that
        fine-tuning starts from."""
        views = self.views(inputs)
        n, v = views.shape[:2]
        feats = self.pooled_features(views.flatten(0, 1)).reshape(n, v, -1)
        for sample, feat in zip(data_samples, feats.mean(1)):
            sample.set_field(feat.detach(), 'feature')
        return data_samples
