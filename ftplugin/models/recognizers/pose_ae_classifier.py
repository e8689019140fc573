import copy
from typing import List, Optional, Tuple

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import OptSampleList

from ..backbones.pose_autoencoder import ORIGINAL_AUTOENCODER_KEY_MAP
from ..utils import freeze_modules


@MODELS.register_module()
class PoseAEClassifier(BaseRecognizer):
    """Pose autoencoder with a classification head on its latent vector.

    Trains on ``loss_cls`` (from the head) plus ``loss_recon``, the
    reconstruction error of the autoencoder weighted by the loss's own
    ``loss_weight`` (Fall-detection-study: CE + 0.1 x MSE). Both are logged
    separately: the reconstruction loss travels as mmaction2's ``loss_aux``.

    Inputs are ``(N, C, T, J)`` windows, or ``(N, M, C, T, J)`` with ``M``
    windows (clips) per sample. At test time the head aggregates the clips'
    scores as its ``average_clips`` says (mmaction2's multi-clip testing); in
    training (multiple-instance learning) it aggregates their probabilities
    per sample before the classification loss as its ``train_aggregate``
    says, while the reconstruction loss stays per window.

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

    # Checkpoint layouts of Fall-detection-study, tried by ftplugin's
    # checkpoint adapter: its autoencoder alone and its FallClassifier.
    pretrained_key_map = ORIGINAL_AUTOENCODER_KEY_MAP + [
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
        super().__init__(backbone=backbone, cls_head=cls_head,
                         data_preprocessor=data_preprocessor)
        # mmaction2's BaseRecognizer takes no init_cfg
        self.init_cfg = copy.deepcopy(init_cfg)
        self.loss_recon = MODELS.build(loss_recon) if loss_recon else None
        if self.loss_recon is None:
            # nothing trains the decoder then; frozen, DDP does not wait for
            # gradients that never come
            freeze_modules(self.backbone, ('decoder_head', 'decoder'))

    def extract_feat(self,
                     inputs: torch.Tensor,
                     stage: str = 'backbone',
                     data_samples: OptSampleList = None,
                     test_mode: bool = False) -> Tuple[torch.Tensor, dict]:
        """Latent vectors (``stage='backbone'``) or class logits
        (``stage='head'``), and the keyword arguments of the head: the
        number of clips per sample (``num_segs``) and, in training,
        ``loss_aux`` with ``loss_recon``."""
        kwargs = dict()
        if inputs.dim() == 5:  # (N, clips, C, T, J)
            kwargs['num_segs'] = inputs.shape[1]
            inputs = inputs.flatten(0, 1)
        latent = self.backbone.encode(inputs)
        if (not test_mode and data_samples is not None
                and self.loss_recon is not None):
            recon = self.backbone.decode(latent, inputs.shape[-2:])
            kwargs['loss_aux'] = dict(
                loss_recon=self.loss_recon(recon, inputs))
        if stage == 'head':
            return self.cls_head(latent), kwargs
        return latent, kwargs

    def onnx_outputs(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """Class probabilities, as ``pred_score`` of ``tools/test.py``."""
        logits, _ = self.extract_feat(inputs, stage='head', test_mode=True)
        return [logits.softmax(dim=-1)]
