import math
from typing import Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn

# Checkpoint layouts of the original project
# (TinyFoundationModelForBioSignals), for the checkpoint adapter: its SSL
# checkpoints hold the bare encoder in ``encoder_state_dict`` (keys without a
# prefix), its fine-tuned models keep the encoder under ``encoder.``; both go
# under ``backbone.`` here.
ORIGINAL_ENCODER_KEY_MAP = [
    (r'^encoder\.', 'backbone.'),
    (r'^', 'backbone.'),
]


def _sincos_positions(length: int, dims: int) -> torch.Tensor:
    """``(1, length, dims)`` sine-cosine position codes (Vaswani et al.)."""
    position = torch.arange(length, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dims, 2, dtype=torch.float32) *
                     (-math.log(10000.0) / dims))
    codes = torch.zeros(length, dims)
    codes[:, 0::2] = torch.sin(position * freq)
    codes[:, 1::2] = torch.cos(position * freq)
    return codes[None]


class _Attention(nn.Module):
    """Multi-head self-attention, written out so that it exports to ONNX
    with the TorchScript exporter (no fused kernels)."""

    def __init__(self, dims: int, num_heads: int, drop: float) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dims, dims * 3)
        self.proj = nn.Linear(dims, dims)
        self.drop = nn.Dropout(drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, length, dims = x.shape
        qkv = self.qkv(x).reshape(n, length, 3, self.num_heads,
                                  dims // self.num_heads).permute(
                                      2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
        attn = self.drop(attn.softmax(dim=-1))
        out = (attn @ v).transpose(1, 2).reshape(n, length, dims)
        return self.drop(self.proj(out))


class _Block(nn.Module):
    """Pre-norm transformer block: attention and MLP, each residual."""

    def __init__(self, dims: int, num_heads: int, mlp_ratio: float,
                 drop: float) -> None:
        super().__init__()
        hidden = int(dims * mlp_ratio)
        self.norm1 = nn.LayerNorm(dims)
        self.attn = _Attention(dims, num_heads, drop)
        self.norm2 = nn.LayerNorm(dims)
        self.mlp = nn.Sequential(
            nn.Linear(dims, hidden), nn.GELU(), nn.Dropout(drop),
            nn.Linear(hidden, dims), nn.Dropout(drop))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


@MODELS.register_module()
class SignalTransformer(BaseModule):
    """Transformer over time patches of a multi-channel signal window.

    ``(N, C, T)`` -> optionally each window standardised (``window_norm``)
    -> patch embedding (a linear map of each ``patch_size`` samples of all
    channels, as a strided ``Conv1d``: weight ``(embed_dims, C,
    patch_size)``, so its dim 1 is the channel axis that channel inflation
    widens) -> position embedding (sine-cosine at start, learnt) and a CLS
    token -> ``num_layers`` pre-norm blocks (``blocks.0`` ...
    ``blocks.{L-1}``) -> ``norm`` -> the CLS token or the mean of the patch
    tokens.

    :meth:`embed` and :meth:`encode` split the forward pass so that masked
    pretraining can replace patch tokens in between.

    Args:
        in_channels (int): Channels of the input. Defaults to 2.
        signal_length (int): Samples per window (a multiple of
            ``patch_size``). Defaults to 1250 (10 s at 125 Hz).
        patch_size (int): Samples per patch. Defaults to 125 (1 s, the
            original project's patch).
        embed_dims (int): Token size. Defaults to 64.
        num_layers (int): Transformer blocks. Defaults to 4.
        num_heads (int): Attention heads. Defaults to 4.
        mlp_ratio (float): MLP hidden size / ``embed_dims``. Defaults to 2.
        drop_rate (float): Dropout in the blocks and after the embedding.
            Defaults to 0.1.
        pooling (str): ``'cls'`` or ``'mean'`` (of the patch tokens).
            Defaults to ``'cls'``.
        window_norm (bool): Standardise each channel of each window (zero
            mean, unit std) before the patch embedding, as the original
            project's TTM encoder scales its inputs: the gain and offset of a
            recording then do not reach the model, only the shape of its
            signals. Defaults to False.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int = 2,
                 signal_length: int = 1250,
                 patch_size: int = 125,
                 embed_dims: int = 64,
                 num_layers: int = 4,
                 num_heads: int = 4,
                 mlp_ratio: float = 2.0,
                 drop_rate: float = 0.1,
                 pooling: str = 'cls',
                 window_norm: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if signal_length % patch_size:
            raise ValueError(f'signal_length {signal_length} is not a '
                             f'multiple of patch_size {patch_size}')
        if embed_dims % num_heads:
            raise ValueError(f'embed_dims {embed_dims} is not a multiple of '
                             f'num_heads {num_heads}')
        if pooling not in ('cls', 'mean'):
            raise ValueError(f"pooling must be 'cls' or 'mean', got "
                             f'{pooling!r}')
        self.in_channels = in_channels
        self.signal_length = signal_length
        self.patch_size = patch_size
        self.num_patches = signal_length // patch_size
        self.embed_dims = embed_dims
        self.pooling = pooling
        self.window_norm = window_norm
        self.patch_embed = nn.Conv1d(
            in_channels, embed_dims, patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.pos_embed = nn.Parameter(
            torch.zeros(1, self.num_patches + 1, embed_dims))
        self.drop = nn.Dropout(drop_rate)
        self.blocks = nn.ModuleList(
            _Block(embed_dims, num_heads, mlp_ratio, drop_rate)
            for _ in range(num_layers))
        self.norm = nn.LayerNorm(embed_dims)
        # sine-cosine positions to start from (then learnt): with random
        # ones, a masked patch cannot find its neighbours for a long time
        with torch.no_grad():
            self.pos_embed.copy_(_sincos_positions(self.num_patches + 1,
                                                   embed_dims))
        nn.init.trunc_normal_(self.cls_token, std=0.02)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, T)`` windows -> ``(N, P, D)`` patch tokens."""
        if not torch.jit.is_tracing() and tuple(x.shape[1:]) != (
                self.in_channels, self.signal_length):
            raise ValueError(f'expected (N, {self.in_channels}, '
                             f'{self.signal_length}) windows, got '
                             f'{tuple(x.shape)}')
        return self.patch_embed(self.scale(x)).transpose(1, 2)

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        """The windows as the patch embedding sees them: standardised per
        window and channel with ``window_norm``, else unchanged."""
        if not self.window_norm:
            return x
        return (x - x.mean(-1, keepdim=True)) / (
            x.std(-1, keepdim=True) + 1e-6)

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:
        """``(N, P, D)`` patch tokens -> ``(N, 1 + P, D)`` encoded tokens,
        the CLS token first."""
        cls = self.cls_token.expand(tokens.shape[0], -1, -1)
        x = self.drop(torch.cat([cls, tokens], dim=1) + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        return self.norm(x)

    def pool(self, encoded: torch.Tensor) -> torch.Tensor:
        """``(N, 1 + P, D)`` -> ``(N, D)`` feature."""
        if self.pooling == 'cls':
            return encoded[:, 0]
        return encoded[:, 1:].mean(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, T)`` normalised windows -> ``(N, embed_dims)``."""
        return self.pool(self.encode(self.embed(x)))
