from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel

from ..backbones.pose_autoencoder import SEED_AUTOENCODER_KEY_MAP


@MODELS.register_module()
class PoseAEPretrainer(BaseModel):
    """Self-supervised pretraining of a pose autoencoder: reconstruction only.

    Its checkpoints load into :class:`PoseAEClassifier` unchanged (both keep
    the autoencoder under ``backbone.``).

    Args:
        backbone (dict): The autoencoder, e.g. ``PoseAutoencoder``.
        loss_recon (dict): Reconstruction loss. Defaults to
            ``dict(type='MaskedMSELoss')``.
        data_preprocessor (dict, optional): Defaults to mmaction2's
            ``ActionDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    pretrained_key_map = SEED_AUTOENCODER_KEY_MAP

    def __init__(self,
                 backbone: dict,
                 loss_recon: dict = dict(type='MaskedMSELoss'),
                 data_preprocessor: Optional[dict] = dict(
                     type='ActionDataPreprocessor', format_shape='NCHW'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.loss_recon = MODELS.build(loss_recon)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Union[Dict, SampleList, torch.Tensor]:
        """``'tensor'``: reconstruction; ``'loss'``: ``loss_recon``;
        ``'predict'``: data samples with ``recon_error`` (per-sample MSE)."""
        _, recon = self.backbone(inputs)
        if mode == 'tensor':
            return recon
        if mode == 'loss':
            return dict(loss_recon=self.loss_recon(recon, inputs))
        if mode == 'predict':
            errors = ((recon - inputs) ** 2).flatten(1).mean(1)
            for sample, error in zip(data_samples, errors):
                sample.set_field(error.detach(), 'recon_error')
            return data_samples
        raise RuntimeError(f'Invalid mode "{mode}".')

    def onnx_outputs(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """The latent vector (the pretrained feature) and reconstruction."""
        return list(self.backbone(inputs))
