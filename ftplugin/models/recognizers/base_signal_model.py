from typing import Optional

from mmaction.registry import MODELS
from mmengine.model import BaseModel

from ..backbones.signal_transformer import SEED_ENCODER_KEY_MAP


class BaseSignalModel(BaseModel):
    """What the signal models share: a backbone over ``(N, C, T)`` windows
    and a :class:`SignalDataPreprocessor` whose per-channel statistics are
    saved with every checkpoint.

    Not registered: :class:`SignalClassifier` and
    :class:`MaskedSignalPretrainer` are the models configs build.

    Args:
        backbone (dict): E.g. ``SignalTransformer``.
        data_preprocessor (dict, optional): Defaults to a
            ``SignalDataPreprocessor`` with the backbone's ``in_channels``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    # the seed's SSL (``encoder_state_dict``) and fine-tuned (``encoder.``)
    # layouts, tried by ftplugin's checkpoint adapter
    pretrained_key_map = SEED_ENCODER_KEY_MAP

    def __init__(self,
                 backbone: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='SignalDataPreprocessor',
                num_channels=backbone.get('in_channels', 2))
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        # statistics of another channel count would broadcast wrongly or
        # fail only at the first batch
        channels = getattr(self.data_preprocessor, 'num_channels', None)
        if channels not in (None, self.backbone.in_channels):
            raise ValueError(f'data_preprocessor.num_channels={channels} but '
                             f'backbone.in_channels='
                             f'{self.backbone.in_channels}')
