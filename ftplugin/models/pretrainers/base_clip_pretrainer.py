from typing import Optional

import torch
from mmaction.registry import MODELS

from ..base_task_model import BaseTaskModel

# mmaction2's video preprocessor (the thermal models' own statistics come
# from their configs)
DEFAULT_PREPROCESSOR = dict(type='ActionDataPreprocessor',
                            format_shape='NCTHW')


class BaseClipPretrainer(BaseTaskModel):
    """Base of the self-supervised pretrainers of video backbones
    (mmaction2's ``ResNet3dSlowOnly`` and the like). Not registered.

    The backbone is kept under ``backbone.``, named as in mmaction2's
    ``Recognizer3D``, so a pretrainer's checkpoint loads into the
    recognizer's (or the RoI detector's) backbone as it is; everything
    else of the pretrainer (decoder, projector) is left behind.

    Args:
        backbone (dict): The video backbone, returning ``(N, C, T, H, W)``
            feature maps.
        data_preprocessor (dict, optional): Defaults to mmaction2's
            ``ActionDataPreprocessor`` (``NCTHW``); give the fine-tuning
            model's, so that the backbone sees the same input scale.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor or DEFAULT_PREPROCESSOR,
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)

    @staticmethod
    def views(inputs: torch.Tensor) -> torch.Tensor:
        """Batch inputs as ``(N, V, C, T, H, W)``: ``V`` clips (views) per
        sample (1 unless the pipeline made several)."""
        if inputs.dim() == 5:
            return inputs[:, None]
        if inputs.dim() != 6:
            raise ValueError(f'expected clips (N, V, C, T, H, W) or (N, C, '
                             f'T, H, W), got shape {tuple(inputs.shape)}')
        return inputs

    def pooled_features(self, clips: torch.Tensor) -> torch.Tensor:
        """``(M, C, T, H, W)`` clips -> ``(M, C')`` backbone features
        averaged over time and space."""
        return self.backbone(clips).mean(dim=(2, 3, 4))
