from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModel

from ..backbones.signal_transformer import SEED_ENCODER_KEY_MAP


@MODELS.register_module()
class SignalClassifier(BaseModel):
    """Classifier of multi-channel signal windows: backbone feature -> head.

    Inputs are normalised by the model's :class:`SignalDataPreprocessor`,
    whose per-channel statistics (fitted on the training split) are saved
    with every checkpoint; :meth:`onnx_outputs` applies them too, so the
    exported model takes raw windows.

    Args:
        backbone (dict): E.g. ``SignalTransformer``.
        cls_head (dict): E.g. ``MLPHead`` with ``average_clips='prob'``.
        data_preprocessor (dict, optional): Defaults to a
            ``SignalDataPreprocessor`` with the backbone's ``in_channels``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    # the seed's SSL (``encoder_state_dict``) and fine-tuned (``encoder.``)
    # layouts, tried by ftplugin's checkpoint adapter
    pretrained_key_map = SEED_ENCODER_KEY_MAP

    def __init__(self,
                 backbone: dict,
                 cls_head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='SignalDataPreprocessor',
                num_channels=backbone.get('in_channels', 2))
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.cls_head = MODELS.build(cls_head)
        channels = getattr(self.data_preprocessor, 'num_channels', None)
        if channels not in (None, self.backbone.in_channels):
            raise ValueError(f'data_preprocessor.num_channels={channels} but '
                             f'backbone.in_channels='
                             f'{self.backbone.in_channels}')

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Union[Dict, SampleList, torch.Tensor]:
        """``'tensor'``: class logits; ``'loss'``: losses (and the batch's
        ``top1_acc``); ``'predict'``: data samples with ``pred_score``
        (probabilities) and ``pred_label``."""
        feats = self.backbone(inputs)
        if mode == 'tensor':
            return self.cls_head(feats)
        if mode == 'loss':
            return self.cls_head.loss(feats, data_samples)
        if mode == 'predict':
            return self.cls_head.predict(feats, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    def onnx_outputs(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """Raw ``(N, C, T)`` windows -> class probabilities, normalised with
        the stored training statistics (``pred_score`` of tools/test.py)."""
        x = self.data_preprocessor.normalize(inputs)
        return [self(x).softmax(dim=-1)]
