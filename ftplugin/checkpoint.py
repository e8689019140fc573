"""The one checkpoint adapter of ftplugin, shared by every family.

Loads a pretrained file (``weights_only=True``, see :mod:`ftplugin.compat`),
finds its state dict whatever container the producing project used, maps
foreign key layouts onto the model's keys, inflates input layers pretrained
on fewer channels (:func:`inflate_channels`), skips tensors whose shape
differs (e.g. a classifier with another number of classes) and logs what
loaded, what was remapped, inflated, skipped, missing and unexpected.
"""
import logging
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.logging import MMLogger, print_log
from mmengine.model import is_model_wrapper
from torch import nn

from .compat import safe_torch_load
from .models.utils import in_modules

# Containers used by the projects ftplugin replaces, tried in this order.
STATE_DICT_KEYS = ('state_dict', 'model_state_dict', 'model',
                   'encoder_state_dict')

KeyMap = Sequence[Tuple[str, str]]


@dataclass
class LoadReport:
    """What :func:`load_pretrained` did, key by key."""
    loaded: List[str] = field(default_factory=list)
    remapped: Dict[str, str] = field(default_factory=dict)
    shape_skipped: Dict[str, Tuple[tuple, tuple]] = field(
        default_factory=dict)
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    inflated: Dict[str, str] = field(default_factory=dict)
    skipped: List[str] = field(default_factory=list)

    def summary(self) -> str:
        """A multi-line, human-readable account."""
        lines = [f'loaded {len(self.loaded)} tensor(s)']
        for key, how in self.inflated.items():
            lines.append(f'inflated {key}: {how}')
        if self.remapped:
            lines.append(f'remapped {len(self.remapped)} key(s), e.g. ' +
                         ', '.join(f'{k} -> {v}' for k, v in list(
                             self.remapped.items())[:3]))
        if self.skipped:
            lines.append(f'skipped on request: {len(self.skipped)}, e.g. ' +
                         ', '.join(self.skipped[:3]))
        for name, keys in (('shape-skipped', self.shape_skipped),
                           ('missing (left as initialised)', self.missing),
                           ('unexpected (ignored)', self.unexpected)):
            if keys:
                shown = ([f'{k} {s[0]} vs model {s[1]}'
                          for k, s in keys.items()]
                         if isinstance(keys, dict) else list(keys))
                lines.append(f'{name}: {len(keys)}: ' + ', '.join(shown))
        return '\n'.join(lines)


def extract_state_dict(checkpoint: dict, filename: str = '<checkpoint>'
                       ) -> Dict[str, torch.Tensor]:
    """Find the tensor dict inside a checkpoint of any known layout.

    Args:
        checkpoint (dict): What :func:`torch.load` returned.
        filename (str): For error messages.

    Returns:
        dict[str, Tensor]: The state dict.
    """
    if not isinstance(checkpoint, dict):
        raise TypeError(f'{filename}: expected a dict, got '
                        f'{type(checkpoint).__name__}')
    for key in STATE_DICT_KEYS:
        if isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    if checkpoint and all(
            isinstance(v, torch.Tensor) for v in checkpoint.values()):
        return checkpoint  # a bare state dict
    raise KeyError(f'{filename}: no state dict found; looked for '
                   f'{STATE_DICT_KEYS} and for a bare tensor dict, got keys '
                   f'{sorted(checkpoint)[:10]}')


def remap_keys(state_dict: Dict[str, torch.Tensor],
               target_keys: Sequence[str],
               key_map: KeyMap = ()) -> Tuple[Dict[str, torch.Tensor],
                                              Dict[str, str]]:
    """Rename keys that the model lacks with the first rule that fits.

    A key already in ``target_keys`` is kept. Otherwise each ``(pattern,
    replacement)`` of ``key_map`` (regular expressions, then a DDP
    ``module.`` prefix strip) is tried, and the first result that is a target
    key is taken. Keys no rule maps stay as they are (reported unexpected).

    Args:
        state_dict (dict): Checkpoint tensors.
        target_keys (Sequence[str]): The model's state-dict keys.
        key_map (Sequence[tuple[str, str]]): Regex rules.

    Returns:
        tuple: The renamed state dict and ``{old: new}`` of renamed keys.
    """
    targets = set(target_keys)
    rules = list(key_map) + [(r'^module\.', '')]
    out, renamed = {}, {}
    for key, value in state_dict.items():
        new_key = key
        if key not in targets:
            for pattern, replacement in rules:
                candidate = re.sub(pattern, replacement, key)
                if candidate in targets:
                    new_key = candidate
                    renamed[key] = candidate
                    break
        out[new_key] = value
    return out, renamed


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
      std ``noise_std``, which makes the new channels differ (the seed's);
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


def load_pretrained(model: nn.Module,
                    filename: str,
                    key_map: Optional[KeyMap] = None,
                    logger: Optional[MMLogger] = None,
                    inflate: Optional[dict] = None,
                    required: Sequence[str] = (),
                    skip: Sequence[str] = ()) -> LoadReport:
    """Load pretrained weights into ``model`` and report what happened.

    Args:
        model (nn.Module): Target model (a DDP wrapper is unwrapped).
        filename (str): Checkpoint path.
        key_map (Sequence[tuple[str, str]], optional): Regex rules for
            foreign layouts; defaults to the model's ``pretrained_key_map``
            attribute, if any.
        logger (MMLogger, optional): Where the report goes; the current
            logger by default.
        inflate (dict, optional): Arguments of :func:`inflate_channels`
            (``keys``, ``src_channels``, ``dst_channels``, ``init``, ...),
            applied after the key mapping. After loading, the copied
            channel slots of the model are checked against the checkpoint.
        required (Sequence[str]): Module-name patterns (``fnmatch``, e.g.
            ``'backbone'``) whose every tensor must load; otherwise a
            ``RuntimeError`` names what did not, before the model changes.
        skip (Sequence[str]): Module-name patterns (e.g. ``'cls_head'``)
            never loaded, whatever their shapes (AlphAction's
            ``--no-head``); they keep their initial weights.

    Returns:
        LoadReport: The per-key account.
    """
    if is_model_wrapper(model):
        model = model.module
    if key_map is None:
        key_map = getattr(model, 'pretrained_key_map', ())
    source = extract_state_dict(
        safe_torch_load(filename, map_location='cpu'), filename)
    own = model.state_dict()
    state, renamed = remap_keys(source, list(own), key_map)
    report = LoadReport(remapped=renamed)
    if skip:
        report.skipped = sorted(k for k in state if in_modules(k, skip))
        state = {k: v for k, v in state.items() if k not in report.skipped}
    inflations = inflate_channels(
        state, own, logger=logger, **inflate) if inflate else {}
    report.inflated = {k: v.description for k, v in inflations.items()}
    compatible = {}
    for key, value in state.items():
        if key not in own:
            report.unexpected.append(key)
        elif tuple(value.shape) != tuple(own[key].shape):
            report.shape_skipped[key] = (tuple(value.shape),
                                         tuple(own[key].shape))
        else:
            compatible[key] = value
    not_loaded = [k for k in own if in_modules(k, required)
                  and k not in compatible]
    if required and (not_loaded or not any(
            in_modules(k, required) for k in own)):
        raise RuntimeError(
            f'{filename}: required weights ({list(required)}) not loaded: '
            f'{not_loaded or "the model has none"}; shape-skipped '
            f'{list(report.shape_skipped)[:5]}, checkpoint keys e.g. '
            f'{sorted(source)[:5]}. Check the key map / inflate settings.')
    model.load_state_dict(compatible, strict=False)
    loaded = model.state_dict()
    for key, inflation in inflations.items():
        # the guarantee that matters: the model now holds the pretrained
        # weights of each shared channel in its own slot
        for name, i, j in inflation.copied:
            if not torch.equal(loaded[key].select(inflation.dim, j),
                               inflation.source.select(inflation.dim, i)):
                raise RuntimeError(f'{filename}: after loading, {key} channel '
                                   f'{name} (slot {j}) differs from the '
                                   f'pretrained weights')
    report.loaded = sorted(compatible)
    report.missing = sorted(k for k in own if k not in compatible)
    print_log(f'Pretrained weights from {filename}:\n{report.summary()}',
              logger=logger or 'current')
    if not compatible:
        print_log(f'Nothing of {filename} fits the model: it keeps its '
                  f'initial weights', logger=logger or 'current',
                  level=logging.WARNING)
    return report
