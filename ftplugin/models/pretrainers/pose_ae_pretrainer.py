from typing import Dict, List, Optional

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from ..backbones.pose_autoencoder import ORIGINAL_AUTOENCODER_KEY_MAP
from ..base_task_model import BaseTaskModel


@MODELS.register_module()
class PoseAEPretrainer(BaseTaskModel):
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

    pretrained_key_map = ORIGINAL_AUTOENCODER_KEY_MAP

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

    def _forward(self, inputs: torch.Tensor, **kwargs) -> torch.Tensor:
        """The reconstruction of ``inputs``."""
        return self.backbone(inputs)[1]

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """``loss_recon``."""
        return dict(loss_recon=self.loss_recon(self._forward(inputs), inputs))

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Data samples with ``recon_error``, the per-sample MSE."""
        errors = ((self._forward(inputs) - inputs)**2).flatten(1).mean(1)
        for sample, error in zip(data_samples, errors):
            sample.set_field(error.detach(), 'recon_error')
        return data_samples

    def onnx_outputs(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """The latent vector (the pretrained feature) and reconstruction."""
        return list(self.backbone(inputs))
