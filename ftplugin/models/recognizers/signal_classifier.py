import copy
from typing import List, Optional, Tuple

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS

from ..signal_model_mixin import SignalModelMixin


@MODELS.register_module()
class SignalClassifier(SignalModelMixin, BaseRecognizer):
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
        super().__init__(
            backbone=backbone, cls_head=cls_head,
            data_preprocessor=self.signal_preprocessor(
                backbone, data_preprocessor))
        # mmaction2's BaseRecognizer takes no init_cfg
        self.init_cfg = copy.deepcopy(init_cfg)
        self.check_signal_channels()

    def extract_feat(self,
                     inputs: torch.Tensor,
                     stage: str = 'backbone',
                     **kwargs) -> Tuple[torch.Tensor, dict]:
        """Backbone features (``stage='backbone'``) or class logits
        (``stage='head'``), and no keyword arguments for the head."""
        feats = self.backbone(inputs)
        if stage == 'head':
            return self.cls_head(feats), dict()
        return feats, dict()

    def onnx_outputs(self, inputs: torch.Tensor) -> List[torch.Tensor]:
        """Raw ``(N, C, T)`` windows -> class probabilities, normalised with
        the stored training statistics (``pred_score`` of tools/test.py)."""
        x = self.data_preprocessor.normalize(inputs)
        logits, _ = self.extract_feat(x, stage='head')
        return [logits.softmax(dim=-1)]
