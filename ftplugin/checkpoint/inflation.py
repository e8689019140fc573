"""Channel inflation: widen input layers pretrained on fewer channels.

Channels are matched by name (``PPG``, ``ECG``...), never by position.
"""
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.logging import MMLogger, print_log

INFLATE_INITS = ('mean', 'zeros', 'random')


@dataclass
class Inflation:
    """How :func:`inflate_channels` widened one tensor."""
    dim: int
    copied: List[Tuple[str, int, int]]  # (channel, source slot, new slot)
    source: torch.Tensor  # the pretrained tensor, before inflation
    description: str


def _channel_dim(key: str, src: torch.Tensor, dst_shape: tuple, n_src: int,
                 n_dst: int, dim: Optional[int]) -> int:
    """The one dimension that holds the channels of ``src`` (see below)."""
    def fits(d: int) -> bool:
        return (src.shape[d] == n_src and dst_shape[d] == n_dst and all(
            a == b for i, (a, b) in enumerate(zip(src.shape, dst_shape))
            if i != d))

    if len(src.shape) != len(dst_shape):
        raise ValueError(f'cannot inflate {key}: checkpoint shape '
                         f'{tuple(src.shape)}, model shape {dst_shape}')
    if dim is not None:
        if not fits(dim % len(dst_shape)):
            raise ValueError(
                f'cannot inflate {key} on dim {dim}: checkpoint shape '
                f'{tuple(src.shape)}, model shape {dst_shape}, expected '
                f'{n_src} -> {n_dst} channels there and equal other dims')
        return dim % len(dst_shape)
    # with the other dims equal, at most one dim can go from n_src to n_dst
    dims = [d for d in range(len(dst_shape)) if fits(d)]
    if not dims:
        raise ValueError(
            f'cannot inflate {key}: checkpoint shape {tuple(src.shape)}, '
            f'model shape {dst_shape}; no dimension goes from {n_src} to '
            f'{n_dst} channels with the others equal')
    return dims[0]


def inflate_channels(state_dict: Dict[str, torch.Tensor],
                     model_state: Dict[str, torch.Tensor],
                     keys: Sequence[str],
                     src_channels: Sequence[str],
                     dst_channels: Sequence[str],
                     init: str = 'mean',
                     noise_std: float = 0.01,
                     dim: Optional[int] = None,
                     seed: int = 0,
                     logger: Optional[MMLogger] = None
                     ) -> Dict[str, Inflation]:
    """Widen tensors pretrained on ``src_channels`` to ``dst_channels``.

    Channels are matched by name, not by position: pretrained ``PPG, ECG``
    into ``ACC_X, ACC_Y, ACC_Z, PPG, ECG`` puts the PPG weights in slot 3 and
    the ECG weights in slot 4, copied exactly (and checked). Channels new to
    the model are initialised by ``init``:

    - ``'mean'``: the mean of the pretrained channels plus Gaussian noise of
      std ``noise_std``, which makes the new channels differ (the original
      project's);
    - ``'zeros'``: zero, so the new channels change nothing until trained;
    - ``'random'``: Gaussian with the std of the pretrained tensor.

    Pretrained channels the model lacks are dropped. A checkpoint tensor that
    already has the model's shape is left as it is (e.g. a fine-tuned
    checkpoint loaded again). ``state_dict`` is changed in place.

    Args:
        state_dict (dict): Checkpoint tensors, keys already mapped onto the
            model's.
        model_state (dict): The model's state dict (target shapes).
        keys (Sequence[str]): ``fnmatch`` patterns of the tensors to inflate,
            e.g. ``['backbone.patch_embed.weight']``.
        src_channels (Sequence[str]): Channel names of the checkpoint.
        dst_channels (Sequence[str]): Channel names of the model.
        init (str): ``'mean'``, ``'zeros'`` or ``'random'``.
            Defaults to ``'mean'``.
        noise_std (float): Std of the noise added to the mean.
            Defaults to 0.01.
        dim (int, optional): The channel dimension; by default the one
            dimension that goes from ``len(src_channels)`` to
            ``len(dst_channels)`` while the others stay equal.
        seed (int): Seed of the noise, so that every process and every
            run initialises the same. Defaults to 0.
        logger (MMLogger, optional): Where the per-tensor lines go.

    Returns:
        dict[str, Inflation]: The inflated keys and how.
    """
    if init not in INFLATE_INITS:
        raise ValueError(f'inflate init must be one of {INFLATE_INITS}, got '
                         f'{init!r}')
    for name, channels in (('src_channels', src_channels),
                           ('dst_channels', dst_channels)):
        if not channels or len(set(channels)) != len(channels):
            raise ValueError(f'inflate {name} must be unique names, got '
                             f'{list(channels)}')
    shared = [c for c in dst_channels if c in src_channels]
    if not shared:
        raise ValueError(f'inflate: no channel of {list(src_channels)} is in '
                         f'{list(dst_channels)}; nothing would transfer')
    generator = torch.Generator().manual_seed(seed)
    done = {}
    for pattern in keys:
        matched = [k for k in state_dict if fnmatch(k, pattern)]
        if not matched:
            raise KeyError(f'inflate: no checkpoint tensor matches {pattern!r}'
                           f' (after key mapping); keys are e.g. '
                           f'{sorted(state_dict)[:5]}')
        for key in matched:
            src = state_dict[key]
            if key not in model_state or key in done:
                continue
            dst_shape = tuple(model_state[key].shape)
            if tuple(src.shape) == dst_shape:
                continue
            d = _channel_dim(key, src, dst_shape, len(src_channels),
                             len(dst_channels), dim)
            out = torch.empty(dst_shape, dtype=src.dtype)
            copied, new = [], []
            for j, name in enumerate(dst_channels):
                if name in src_channels:
                    i = list(src_channels).index(name)
                    out.select(d, j).copy_(src.select(d, i))
                    copied.append((name, i, j))
                    continue
                slot = out.select(d, j)
                if init == 'mean':
                    noise = torch.randn(slot.shape, generator=generator)
                    slot.copy_(src.float().mean(d) + noise_std * noise)
                elif init == 'zeros':
                    slot.zero_()
                else:
                    noise = torch.randn(slot.shape, generator=generator)
                    slot.copy_(noise * src.float().std())
                new.append(f'{name}->{j}')
            for name, i, j in copied:
                if not torch.equal(out.select(d, j), src.select(d, i)):
                    raise RuntimeError(f'inflate {key}: channel {name} slot '
                                       f'{j} differs from the pretrained one')
            how = {'mean': f'mean of the pretrained channels + N(0, '
                           f'{noise_std}^2)',
                   'zeros': 'zeros',
                   'random': 'N(0, std of the pretrained tensor^2)'}[init]
            dropped = [c for c in src_channels if c not in dst_channels]
            description = (
                f'{tuple(src.shape)} -> {dst_shape} on dim {d}: copied '
                + ', '.join(f'{n} {i}->{j}' for n, i, j in copied) +
                ' exactly' + (f'; new {", ".join(new)} = {how}' if new else '')
                + (f'; dropped {", ".join(dropped)}' if dropped else ''))
            print_log(f'Inflated {key}: {description}',
                      logger=logger or 'current')
            done[key] = Inflation(d, copied, src, description)
            state_dict[key] = out
    return done
