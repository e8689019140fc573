from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel

from ..backbones.pose_autoencoder import SEED_AUTOENCODER_KEY_MAP
from ..utils import freeze_modules


@MODELS.register_module()
class PoseAEClassifier(BaseModel):
    """Pose autoencoder with a classification head on its latent vector.

    Trains on ``loss_cls`` (from the head) plus ``loss_recon``, the
    reconstruction error of the autoencoder weighted by the loss's own
    ``loss_weight`` (the seed: CE + 0.1 x MSE). Both are logged separately.

    Args:
        backbone (dict): The autoencoder, e.g. ``PoseAutoencoder``.
        cls_head (dict): Head on the latent vector, e.g. ``MLPHead``.
        loss_recon (dict, optional): Reconstruction loss; None trains on the
            classification loss alone. Defaults to
            ``dict(type='MaskedMSELoss', loss_weight=0.1)``.
        data_preprocessor (dict, optional): Defaults to mmaction2's
            ``ActionDataPreprocessor`` (stacks the (2, T, J) inputs).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    # Checkpoint layouts of the seed project, tried by ftplugin's checkpoint
    # adapter: its autoencoder alone, and its fine-tuned FallClassifier.
    pretrained_key_map = SEED_AUTOENCODER_KEY_MAP + [
        (r'^classifier\.', 'cls_head.classifier.'),
    ]

    def __init__(self,
                 backbone: dict,
                 cls_head: dict,
                 loss_recon: Optional[dict] = dict(
                     type='MaskedMSELoss', loss_weight=0.1),
                 data_preprocessor: Optional[dict] = dict(
                     type='ActionDataPreprocessor', format_shape='NCHW'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.cls_head = MODELS.build(cls_head)
        self.loss_recon = MODELS.build(loss_recon) if loss_recon else None
        if self.loss_recon is None:
            # nothing trains the decoder then; frozen, DDP does not wait for
            # gradients that never come
            freeze_modules(self.backbone, ('decoder_head', 'decoder'))

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Union[Dict, SampleList, torch.Tensor]:
        """``'tensor'``: class logits; ``'loss'``: losses; ``'predict'``:
        data samples with ``pred_score`` (softmax) and ``pred_label``.

        Inputs of shape (N, num_clips, C, T, J) hold several windows of one
        file each; they are scored one by one and the head aggregates the
        scores of a file (``average_clips``), as mmaction2's recognizers do.
        """
        if inputs.dim() == 5:
            inputs = inputs.flatten(0, 1)
        latent = self.backbone.encode(inputs)
        if mode == 'tensor':
            return self.cls_head(latent)
        if mode == 'loss':
            losses = self.cls_head.loss(latent, data_samples)
            if self.loss_recon is not None:
                recon = self.backbone.decode(latent, inputs.shape[-2:])
                losses['loss_recon'] = self.loss_recon(recon, inputs)
            return losses
        if mode == 'predict':
            return self.cls_head.predict(latent, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    def onnx_outputs(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """Class probabilities, as ``pred_score`` of ``tools/test.py``."""
        return [self(inputs).softmax(dim=-1)]
