from typing import Dict, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from torch import nn

from .base_clip_pretrainer import BaseClipPretrainer


@MODELS.register_module()
class MaskedClipPretrainer(BaseClipPretrainer):
    """Masked spatio-temporal reconstruction of video clips (a convolutional
    MAE): hide random 3D patches of each clip, rebuild their pixels.

    The clip ``(C, T, H, W)`` (normalised by the data preprocessor) is cut
    into ``patch_size`` = ``(t, h, w)`` patches; ``mask_ratio`` of them,
    drawn anew for every clip, are set to 0 (the data mean) before the
    backbone. A light decoder (two 1x1x1 convolutions) maps each cell of the
    backbone's feature map to the pixels of the ``decoder_stride`` block it
    covers (depth-to-space), so the backbone alone must carry what fills a
    hidden patch: its neighbours in space and in time. ``loss_recon`` is the
    MSE over the hidden pixels only.

    Args:
        backbone (dict): The video backbone (e.g. ``ResNet3dSlowOnly``).
        in_channels (int): Channels of the backbone's feature map.
        decoder_stride (Sequence[int]): ``(t, h, w)`` input pixels per
            feature cell: the backbone's total strides (a stride-2 stem and
            three stride-2 stages: ``(1, 16, 16)``). The rebuilt clip is
            cropped to the input size.
        patch_size (Sequence[int]): ``(t, h, w)`` of a masked patch; must
            divide the clip. Defaults to (2, 8, 8).
        mask_ratio (float): Share of the patches hidden. Defaults to 0.6.
        decoder_channels (int): Hidden channels of the decoder. Defaults
            to 128.
        out_channels (int): Channels of the clips, which are rebuilt
            (3: the thermal frames are grey, replicated to 3 channels).
            Defaults to 3.
        loss_recon (dict): Loss on the hidden pixels. Defaults to
            ``dict(type='MaskedMSELoss')``.
        data_preprocessor (dict, optional), init_cfg (dict, optional): As
            :class:`BaseClipPretrainer`.
    """

    def __init__(self,
                 backbone: dict,
                 in_channels: int,
                 decoder_stride: Sequence[int] = (1, 16, 16),
                 patch_size: Sequence[int] = (2, 8, 8),
                 mask_ratio: float = 0.6,
                 decoder_channels: int = 128,
                 out_channels: int = 3,
                 loss_recon: dict = dict(type='MaskedMSELoss'),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(backbone, data_preprocessor, init_cfg)
        if not 0 < mask_ratio < 1:
            raise ValueError(f'mask_ratio must be in (0, 1), got '
                             f'{mask_ratio}')
        if len(patch_size) != 3 or len(decoder_stride) != 3:
            raise ValueError(f'patch_size and decoder_stride are (t, h, w), '
                             f'got {patch_size} and {decoder_stride}')
        self.patch_size = tuple(int(p) for p in patch_size)
        self.decoder_stride = tuple(int(s) for s in decoder_stride)
        self.mask_ratio = mask_ratio
        self.out_channels = out_channels
        pixels = out_channels * self.decoder_stride[0] * \
            self.decoder_stride[1] * self.decoder_stride[2]
        self.decoder = nn.Sequential(
            nn.Conv3d(in_channels, decoder_channels, 1), nn.GELU(),
            nn.Conv3d(decoder_channels, pixels, 1))
        self.loss_recon = MODELS.build(loss_recon)

    def _patch_grid(self, shape: torch.Size) -> Sequence[int]:
        grid = []
        for name, size, patch in zip('THW', shape[-3:], self.patch_size):
            if size % patch:
                raise ValueError(
                    f'MaskedClipPretrainer: clip {name} = {size} is not a '
                    f'multiple of patch_size {self.patch_size}; change '
                    f'patch_size or the pipeline\'s clip size')
            grid.append(size // patch)
        return grid

    def sample_mask(self, clips: torch.Tensor,
                    generator: Optional[torch.Generator] = None
                    ) -> torch.Tensor:
        """``(N, 1, T, H, W)`` bool, true on the hidden pixels: exactly
        ``round(mask_ratio * patches)`` patches of each clip."""
        n = clips.shape[0]
        grid = self._patch_grid(clips.shape)
        patches = grid[0] * grid[1] * grid[2]
        hidden = min(max(int(round(self.mask_ratio * patches)), 1),
                     patches - 1)
        order = torch.rand(n, patches, generator=generator).argsort(dim=1)
        mask = torch.zeros(n, patches, dtype=torch.bool)
        mask.scatter_(1, order[:, :hidden], True)
        mask = mask.reshape(n, 1, *grid)
        for dim, size in zip((2, 3, 4), self.patch_size):
            mask = mask.repeat_interleave(size, dim=dim)
        return mask.to(clips.device)

    def reconstruct(self, clips: torch.Tensor,
                    mask: torch.Tensor) -> torch.Tensor:
        """``(N, C, T, H, W)`` clips with the ``mask`` pixels hidden ->
        their reconstruction ``(N, out_channels, T, H, W)``."""
        feats = self.backbone(clips.masked_fill(mask, 0))
        n, _, t, h, w = feats.shape
        st, sh, sw = self.decoder_stride
        size = clips.shape[-3:]
        if clips.shape[1] != self.out_channels:
            raise ValueError(f'MaskedClipPretrainer: clips have '
                             f'{clips.shape[1]} channels but out_channels='
                             f'{self.out_channels}')
        if t * st < size[0] or h * sh < size[1] or w * sw < size[2]:
            raise ValueError(
                f'MaskedClipPretrainer: a {tuple(feats.shape[2:])} feature '
                f'map x decoder_stride {self.decoder_stride} does not cover '
                f'the {tuple(size)} clip; set decoder_stride to the '
                f'backbone\'s strides')
        out = self.decoder(feats).reshape(n, self.out_channels, st, sh, sw,
                                          t, h, w)
        out = out.permute(0, 1, 5, 2, 6, 3, 7, 4).reshape(
            n, self.out_channels, t * st, h * sh, w * sw)
        return out[:, :, :size[0], :size[1], :size[2]]

    def _clips(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.views(inputs).flatten(0, 1)

    @staticmethod
    def _mask_generator(training: bool) -> Optional[torch.Generator]:
        # evaluation masks come from a fixed seed, so that the scores of
        # different epochs compare
        return None if training else torch.Generator().manual_seed(0)

    def _forward(self, inputs: torch.Tensor, **kwargs) -> torch.Tensor:
        """The reconstruction under the fixed evaluation masks."""
        clips = self._clips(inputs)
        return self.reconstruct(clips, self.sample_mask(
            clips, self._mask_generator(False)))

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """``loss_recon`` on the hidden pixels, under fresh masks."""
        clips = self._clips(inputs)
        mask = self.sample_mask(clips, self._mask_generator(True))
        recon = self.reconstruct(clips, mask)
        return dict(loss_recon=self.loss_recon(recon, clips, mask))

    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Data samples with ``recon_error``, the MSE on the hidden pixels
        (the same masks every evaluation), for ``ReconstructionMetric``."""
        clips = self._clips(inputs)
        mask = self.sample_mask(clips, self._mask_generator(False))
        recon = self.reconstruct(clips, mask)
        weights = mask.expand_as(recon).float()
        errors = (((recon.float() - clips.float())**2 * weights).flatten(
            1).sum(1) / weights.flatten(1).sum(1))
        errors = errors.reshape(len(data_samples), -1).mean(1)
        for sample, error in zip(data_samples, errors):
            sample.set_field(error.detach(), 'recon_error')
        return data_samples
