from typing import Dict, List, Optional, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from .base_signal_model import BaseSignalModel


@MODELS.register_module()
class SignalClassifier(BaseSignalModel):
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

    def __init__(self,
                 backbone: dict,
                 cls_head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, data_preprocessor, init_cfg)
        self.cls_head = MODELS.build(cls_head)

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
