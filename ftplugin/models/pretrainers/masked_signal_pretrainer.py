from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from torch import nn

from ..base_task_model import BaseTaskModel
from ..signal_model_mixin import SignalModelMixin


@MODELS.register_module()
class MaskedSignalPretrainer(SignalModelMixin, BaseTaskModel):
    """Masked-signal modelling: reconstruct hidden patches of a window.

    A fixed share (``mask_ratio``, 0.4 in the original project) of each
    window's patch tokens is replaced by a learnt mask token before the
    backbone's transformer; a linear decoder maps every encoded patch token
    back to its ``(C, patch_size)`` samples. ``loss_recon`` is the MSE over the
    masked patches only (of the normalised signal, or of each window
    standardised when the backbone has ``window_norm``); ``loss_stft``,
    optional, compares the spectra of the whole reconstruction and input (0.3 x
    multi-resolution STFT in the original project). Its checkpoints keep the
    encoder under ``backbone.``, so they load into :class:`SignalClassifier` as
    they are (with channel inflation when the classifier has more channels).

    Args:
        backbone (dict): E.g. ``SignalTransformer``.
        mask_ratio (float): Share of patches masked per window.
            Defaults to 0.4.
        loss_recon (dict): Masked reconstruction loss. Defaults to
            ``dict(type='MaskedMSELoss')``.
        loss_stft (dict, optional): Spectral loss; None for none. Defaults
            to ``dict(type='MultiResolutionSTFTLoss', loss_weight=0.3)``.
        data_preprocessor (dict, optional): Defaults to a
            ``SignalDataPreprocessor`` with the backbone's ``in_channels``.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 backbone: dict,
                 mask_ratio: float = 0.4,
                 loss_recon: dict = dict(type='MaskedMSELoss'),
                 loss_stft: Optional[dict] = dict(
                     type='MultiResolutionSTFTLoss', loss_weight=0.3),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=self.signal_preprocessor(
                backbone, data_preprocessor),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.check_signal_channels()
        patches = self.backbone.num_patches
        self.num_masked = int(round(mask_ratio * patches))
        if not 0 < self.num_masked < patches:
            raise ValueError(f'mask_ratio {mask_ratio} masks '
                             f'{self.num_masked} of {patches} patches; it '
                             f'must mask at least one and leave one')
        self.mask_ratio = mask_ratio
        dims = self.backbone.embed_dims
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dims))
        nn.init.trunc_normal_(self.mask_token, std=0.02)
        self.decoder = nn.Linear(
            dims, self.backbone.in_channels * self.backbone.patch_size)
        self.loss_recon = MODELS.build(loss_recon)
        self.loss_stft = MODELS.build(loss_stft) if loss_stft else None

    def sample_mask(self, num: int,
                    generator: Optional[torch.Generator] = None
                    ) -> torch.Tensor:
        """``(num, P)`` bool mask, exactly :attr:`num_masked` true per row."""
        scores = torch.rand(num, self.backbone.num_patches,
                            generator=generator)
        chosen = scores.argsort(dim=1)[:, :self.num_masked]
        mask = torch.zeros_like(scores, dtype=torch.bool)
        return mask.scatter_(1, chosen, True).to(self.mask_token.device)

    def reconstruct(self, inputs: torch.Tensor,
                    mask: torch.Tensor) -> torch.Tensor:
        """Windows with the patches of ``mask`` hidden -> ``(N, C, T)``."""
        tokens = self.backbone.embed(inputs)
        tokens = torch.where(mask[..., None],
                             self.mask_token.to(tokens.dtype), tokens)
        encoded = self.backbone.encode(tokens)[:, 1:]  # drop the CLS token
        n, patches, _ = encoded.shape
        channels, size = self.backbone.in_channels, self.backbone.patch_size
        out = self.decoder(encoded).reshape(n, patches, channels, size)
        return out.permute(0, 2, 1, 3).reshape(n, channels, patches * size)

    def sample_weights(self, mask: torch.Tensor) -> torch.Tensor:
        """``(N, P)`` patch mask -> ``(N, 1, T)`` per-sample mask."""
        return mask.repeat_interleave(self.backbone.patch_size, dim=1)[:,
                                                                       None]

    @staticmethod
    def _mask_generator(training: bool) -> Optional[torch.Generator]:
        # evaluation masks come from a fixed seed, so that validation scores
        # of different epochs compare
        return None if training else torch.Generator().manual_seed(0)

    def _forward(self, inputs: torch.Tensor, **kwargs) -> torch.Tensor:
        """Reconstruction (of ``backbone.scale(inputs)``) under the fixed
        evaluation masks."""
        mask = self.sample_mask(inputs.shape[0], self._mask_generator(False))
        return self.reconstruct(inputs, mask)

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """``loss_recon`` (and ``loss_stft``) under fresh random masks."""
        mask = self.sample_mask(inputs.shape[0], self._mask_generator(True))
        recon = self.reconstruct(inputs, mask)
        # with the backbone's window_norm, the model sees (and rebuilds)
        # each window standardised
        inputs = self.backbone.scale(inputs)
        losses = dict(loss_recon=self.loss_recon(recon, inputs,
                                                 self.sample_weights(mask)))
        if self.loss_stft is not None:
            losses['loss_stft'] = self.loss_stft(recon, inputs)
        return losses

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Data samples with ``recon_error``, the MSE on the masked patches
        (the same masks every evaluation)."""
        mask = self.sample_mask(inputs.shape[0], self._mask_generator(False))
        recon = self.reconstruct(inputs, mask)
        inputs = self.backbone.scale(inputs)
        weights = self.sample_weights(mask).expand_as(recon).float()
        errors = (((recon.float() - inputs.float())**2 * weights).sum(
            (1, 2)) / weights.sum((1, 2)))
        for sample, error in zip(data_samples, errors):
            sample.set_field(error.detach(), 'recon_error')
        return data_samples
