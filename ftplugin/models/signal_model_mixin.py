from typing import Optional

from .backbones.signal_transformer import ORIGINAL_ENCODER_KEY_MAP


class SignalModelMixin:
    """What the signal models share (:class:`SignalClassifier`, a
    recognizer, and :class:`MaskedSignalPretrainer`, a pretrainer): a
    backbone over ``(N, C, T)`` windows and a :class:`SignalDataPreprocessor`
    whose per-channel statistics are saved with every checkpoint.
    """

    # TinyFoundationModelForBioSignals' SSL (``encoder_state_dict``) and
    # fine-tuned (``encoder.``) layouts, tried by the checkpoint adapter
    pretrained_key_map = ORIGINAL_ENCODER_KEY_MAP

    @staticmethod
    def signal_preprocessor(backbone: dict,
                            data_preprocessor: Optional[dict]) -> dict:
        """``data_preprocessor``, or a ``SignalDataPreprocessor`` with the
        backbone's ``in_channels`` when it is None."""
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='SignalDataPreprocessor',
                num_channels=backbone.get('in_channels', 2))
        return data_preprocessor

    def check_signal_channels(self) -> None:
        """Refuse a preprocessor built for another channel count: its
        statistics would broadcast wrongly or fail only at the first
        batch."""
        channels = getattr(self.data_preprocessor, 'num_channels', None)
        if channels not in (None, self.backbone.in_channels):
            raise ValueError(f'data_preprocessor.num_channels={channels} but '
                             f'backbone.in_channels='
                             f'{self.backbone.in_channels}')
