from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn

from ..utils import freeze_modules, keep_frozen_in_eval


# Key layouts of the Fall-detection-study project, for the checkpoint adapter:
# its bare autoencoder (``encoder.*``, ...) and its FallClassifier wrapper
# (``autoencoder.*``), both onto a task model holding this as ``backbone``.
ORIGINAL_AUTOENCODER_KEY_MAP = [
    (r'^(encoder|latent_head|decoder_head|decoder)\.', r'backbone.\1.'),
    (r'^autoencoder\.', 'backbone.'),
]


@MODELS.register_module()
class PoseAutoencoder(BaseModule):
    """Convolutional autoencoder over (coordinate, time, joint) pose maps.

    Weight-compatible with the Fall-detection-study project: its child modules
    are named ``encoder``, ``latent_head``, ``decoder_head`` and ``decoder``,
    so the original project's ``pose_autoencoder.pt`` maps onto it by prefix
    only.

    Input (N, C, T, J) -> encoder (strided 3x3 convs) -> global average pool
    -> latent (N, latent_dim); the decoder expands the latent from 1x1 with
    transposed convs and resizes the result to (T, J).

    Args:
        in_channels (int): Coordinates per joint. Defaults to 2.
        hidden_dims (Sequence[int]): Channels of the encoder stages (all but
            the last have stride 2). Defaults to (32, 64, 96).
        latent_dim (int): Size of the latent vector. Defaults to 128.
        frozen_modules (Sequence[str]): Child-name patterns to freeze, e.g.
            ``('encoder', 'latent_head')`` to train only a head on top.
            Defaults to ().
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int = 2,
                 hidden_dims: Sequence[int] = (32, 64, 96),
                 latent_dim: int = 128,
                 frozen_modules: Sequence[str] = (),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.latent_dim = latent_dim
        self.frozen_modules = tuple(frozen_modules)
        layers, c_in = [], in_channels
        for i, c_out in enumerate(hidden_dims):
            stride = 2 if i < len(hidden_dims) - 1 else 1
            layers += [nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1),
                       nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
            c_in = c_out
        self.encoder = nn.Sequential(*layers)
        self.latent_head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, latent_dim))
        self.decoder_head = nn.Sequential(
            nn.Linear(latent_dim, c_in), nn.ReLU(inplace=True))
        layers = []
        for c_out in reversed(hidden_dims[:-1]):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1),
                       nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
            c_in = c_out
        layers.append(nn.Conv2d(c_in, in_channels, 3, padding=1))
        self.decoder = nn.Sequential(*layers)
        freeze_modules(self, self.frozen_modules)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, T, J) poses -> (N, latent_dim) latent vectors."""
        return self.latent_head(self.encoder(x))

    def decode(self, latent: torch.Tensor,
               size: Tuple[int, int]) -> torch.Tensor:
        """(N, latent_dim) latent vectors -> (N, C, *size) poses."""
        start = self.decoder_head(latent)[..., None, None]
        recon = self.decoder(start)
        return F.interpolate(
            recon, size=size, mode='bilinear', align_corners=False)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Return the latent vectors and the reconstruction of ``x``."""
        latent = self.encode(x)
        return latent, self.decode(latent, x.shape[-2:])

    def train(self, mode: bool = True) -> 'PoseAutoencoder':
        super().train(mode)
        if mode:
            keep_frozen_in_eval(self)
        return self
