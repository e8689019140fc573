import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import MODELS
from mmengine.dist import all_gather_object, get_world_size
from mmengine.logging import print_log
from mmengine.model import BaseModule
from torch import Tensor, nn

from .interaction_block import InteractionBlock, init_linear
from .memory_pool import MemoryPool

BLOCK_TYPES = {'P': 'person', 'O': 'object', 'M': 'memory'}
STRUCTURES = ('serial', 'dense', 'parallel')
MEMORY_DEFAULTS = dict(before=30, after=30, rate=1, max_per_slot=5,
                       penalty=True)


def clip_layout(clip_index: Tensor, num_clips: int) -> Tuple[Tensor, Tensor]:
    """Rank of each row within its clip (R,) and the table (B, P) of the
    rows of each clip (-1: padding), P the most persons of a clip."""
    num = clip_index.numel()
    counts = torch.bincount(clip_index, minlength=num_clips)
    starts = torch.cumsum(counts, 0) - counts
    order = torch.argsort(clip_index, stable=True)
    rank = torch.empty_like(clip_index)
    rank[order] = (torch.arange(num, device=clip_index.device) -
                   starts[clip_index[order]])
    width = int(counts.max()) if num else 0
    table = clip_index.new_full((num_clips, width), -1)
    table[clip_index, rank] = torch.arange(num, device=clip_index.device)
    return rank, table


def padded(features: Tensor, table: Tensor) -> Tensor:
    """(B, P, C) rows of ``table`` (-1: zeros)."""
    out = features[table.clamp(min=0)]
    return out * (table >= 0).unsqueeze(-1).to(out.dtype)


@MODELS.register_module()
class InteractionAggregation(BaseModule):
    """AlphAction's Interaction Aggregation (IA) structure for the RoI head.

    Works on the spatially pooled person features (R, C) of a batch (Tang et
    al., "Asynchronous Interaction Aggregation for Action Detection", ECCV
    2020; ``IA_structure.py`` of MVIG-SJTU/AlphAction). The features are
    reduced to ``inner_channels`` (the queries), then pass interaction
    blocks (:class:`InteractionBlock`) of three kinds:

    - ``'P'`` person-person: each person attends to the **other** persons
      of its clip (itself and other clips excluded); equivariant to the
      order of the persons;
    - ``'O'`` person-object: to the object boxes of its clip (RoI features
      of an object box file); without object boxes the block adds nothing;
    - ``'M'`` memory: to the persons of the same video at the neighbouring
      keyframes ``timestamp +- k * rate`` (``k = 1..before / after``), read
      from a :class:`MemoryPool`, with learned temporal positions. Training
      reads and updates the training pool (the asynchronous memory: the
      features of the last time each keyframe was trained on, detached);
      test reads a pool filled with the evaluated set's features by
      :class:`~ftplugin.engine.hooks.IAMemoryHook` before the epoch (as
      AlphAction's two-stage inference). The keyframe's own entry is never
      read.

    Structures: ``'serial'`` (blocks one after the other, each using the
    previous one's output as query and as the persons' keys), ``'dense'``
    (dense serial: block i >= 2 takes a learned, per-channel softmax mix of
    all earlier blocks' outputs) and ``'parallel'`` (``blocks`` is a list of
    layers; each position of a layer is a chain through the layers, the
    chains are summed). The output is the person feature plus a learned
    projection (``W_out``) of what the blocks added to the queries; a person
    for whom no block had anything to attend to (alone in its clip, no
    objects, no memory) gets exactly its input back, so the head then
    scores it as the baseline head does.

    Differences from AlphAction (by design): the person itself and padding
    are masked out of the attention; the memory holds no slot for the
    current keyframe (AlphAction puts the current clip's persons there);
    fusion is always ``add`` through ``W_out``; at most ``max_objects``
    objects per clip are the first ones of the box file (AlphAction samples
    at random), likewise ``memory.max_per_slot``; person counts are not
    capped.

    Args:
        in_channels (int): C of the person features.
        inner_channels (int): Width of the interaction (AlphAction's
            ``DIM_INNER``). Defaults to 512.
        structure (str): ``'serial'``, ``'dense'`` or ``'parallel'``.
            Defaults to ``'dense'``.
        blocks (list): Block types ``'P'`` / ``'O'`` / ``'M'`` in order;
            for ``'parallel'`` a list of layers (lists of types). Defaults
            to AlphAction's ``['P', 'O', 'M', 'P', 'O', 'M']``.
        memory (dict, optional): ``before``, ``after`` (slots, 30 each),
            ``rate`` (seconds between slots, 1), ``max_per_slot`` (5),
            ``penalty`` (AlphAction's loss-ratio penalty of stale entries
            in training, True). Required when ``blocks`` holds ``'M'``.
        max_objects (int): Objects per clip. Defaults to 5.
        dropout (float): Dropout after the reductions and in the blocks.
            Defaults to 0.
        layer_norm (bool): In the blocks. Defaults to True.
        temporal_position (bool): Position embeddings of the memory slots.
            Defaults to True.
        init_std (float): Std of the initial weights. Defaults to 0.01.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: int,
                 inner_channels: int = 512,
                 structure: str = 'dense',
                 blocks: Sequence = ('P', 'O', 'M', 'P', 'O', 'M'),
                 memory: Optional[dict] = None,
                 max_objects: int = 5,
                 dropout: float = 0.0,
                 layer_norm: bool = True,
                 temporal_position: bool = True,
                 init_std: float = 0.01,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if structure not in STRUCTURES:
            raise ValueError(f'ia.structure must be one of {STRUCTURES}, got '
                             f'{structure!r}')
        self.structure = structure
        self.layers = self._check_blocks(blocks, structure)
        kinds = {t for layer in self.layers for t in layer}
        self.uses_persons = 'P' in kinds
        self.uses_objects = 'O' in kinds
        self.uses_memory = 'M' in kinds
        if self.uses_memory:
            unknown = set(memory or {}) - set(MEMORY_DEFAULTS)
            if memory is None or unknown:
                raise ValueError(
                    f"ia: memory blocks ('M') need memory=dict(...) with "
                    f'keys of {sorted(MEMORY_DEFAULTS)}; got {memory!r}')
            self.memory_cfg = {**MEMORY_DEFAULTS, **memory}
            if self.memory_cfg['before'] + self.memory_cfg['after'] < 1:
                raise ValueError('ia.memory: before + after must be >= 1')
        else:
            self.memory_cfg = None
        self.in_channels = in_channels
        self.inner_channels = inner_channels
        self.max_objects = int(max_objects)

        def reduce() -> nn.Linear:
            layer = nn.Linear(in_channels, inner_channels)
            init_linear(layer, init_std)
            return layer

        self.person_reduce = reduce()
        self.person_key_reduce = reduce() if self.uses_persons else None
        self.object_reduce = reduce() if self.uses_objects else None
        self.memory_reduce = reduce() if self.uses_memory else None
        self.reduce_dropout = nn.Dropout(dropout)
        slots = (self.memory_cfg['before'] + self.memory_cfg['after']
                 if self.uses_memory else 0)
        self.blocks = nn.ModuleDict()
        for name, kind in self._block_names():
            self.blocks[name] = InteractionBlock(
                inner_channels, dropout=dropout, layer_norm=layer_norm,
                init_std=init_std,
                num_positions=slots if (kind == 'M' and temporal_position)
                else 0)
        if structure == 'dense':
            # mixing weights of block i over blocks 0..i-1, starting on the
            # last one (AlphAction's -5 ln 10 elsewhere)
            self.dense_weights = nn.ParameterDict()
            for i in range(2, len(self.layers)):
                init = torch.full((i, inner_channels), -5 * math.log(10))
                init[i - 1] = 0
                self.dense_weights[str(i)] = nn.Parameter(init)
        self.out_proj = nn.Linear(inner_channels, in_channels, bias=False)
        init_linear(self.out_proj, init_std)

        self.memory_pool = MemoryPool()  # training: read and updated
        self.test_memory_pool = MemoryPool()  # test: filled per epoch
        self.test_memory_ready = False
        self.last_loss: Optional[float] = None
        self._warned_objects = False

    @staticmethod
    def _check_blocks(blocks: Sequence, structure: str) -> List[List[str]]:
        if structure == 'parallel':
            layers = [list(layer) for layer in blocks]
            if not layers or any(
                    len(layer) != len(layers[0]) for layer in layers):
                raise ValueError(f"ia.blocks of 'parallel' must be layers of "
                                 f'equal length, got {blocks!r}')
        else:
            layers = [[t] for t in blocks]
        flat = [t for layer in layers for t in layer]
        if not flat or any(t not in BLOCK_TYPES for t in flat):
            raise ValueError(f'ia.blocks must be made of {list(BLOCK_TYPES)} '
                             f'({", ".join(BLOCK_TYPES.values())}), got '
                             f'{blocks!r}')
        return layers

    def _block_names(self) -> List[Tuple[str, str]]:
        """(name, type) of each block, layer by layer (``P_block_1``, ...)."""
        seen: Dict[str, int] = {}
        names = []
        for layer in self.layers:
            for kind in layer:
                seen[kind] = seen.get(kind, 0) + 1
                names.append((f'{kind}_block_{seen[kind]}', kind))
        return names

    # ------------------------------------------------------------ memory
    def memory_positions(self, device=None) -> Tensor:
        """(L,) slot index of each memory key."""
        cfg = self.memory_cfg
        slots = cfg['before'] + cfg['after']
        return torch.arange(slots, device=device).repeat_interleave(
            cfg['max_per_slot'])

    def read_memory(self, videos: Sequence[str],
                    timestamps: Sequence[int]) -> Tuple[Tensor, Tensor]:
        """Memory (B, L, C) and mask (B, L) of a batch's keyframes: the
        training pool while training, else the test pool."""
        cfg = self.memory_cfg
        if self.training:
            pool = self.memory_pool
            current = self.last_loss if cfg['penalty'] else None
        else:
            if not self.test_memory_ready:
                raise RuntimeError(
                    'InteractionAggregation with memory blocks: the test '
                    'memory pool has not been filled. Add default_hooks.'
                    "ia_memory=dict(type='IAMemoryHook') to the config (it "
                    'fills it from the evaluated set before each val/test '
                    'epoch), or call RoIActionDetector.fill_test_memory on '
                    'every batch first, or use a config without IA memory')
            pool, current = self.test_memory_pool, None
        return pool.gather(videos, timestamps, cfg['before'], cfg['after'],
                           cfg['rate'], cfg['max_per_slot'],
                           self.in_channels, current)

    def write_memory(self, videos: Sequence[str], timestamps: Sequence[int],
                     features: Sequence[Tensor], test: bool = False,
                     loss: Optional[float] = None) -> None:
        """Store each keyframe's person features (n_i, C), detached, in the
        training pool (``test=False``, tagged with the iteration's ``loss``)
        or the test pool; in distributed runs every process stores what all
        processes wrote."""
        entries = [(str(v), int(t), f.detach().cpu())
                   for v, t, f in zip(videos, timestamps, features)]
        if get_world_size() > 1:
            entries = [e for part in all_gather_object(entries)
                       for e in part]
        pool = self.test_memory_pool if test else self.memory_pool
        for video, ts, feats in entries:
            pool.write(video, ts, feats, None if test else loss)
        if not test and loss is not None:
            self.last_loss = float(loss)

    def memory_state(self) -> dict:
        """The training pool and last loss, as plain checkpoint data."""
        return dict(pool=self.memory_pool.state_dict(),
                    last_loss=self.last_loss)

    def load_memory_state(self, state: dict) -> None:
        self.memory_pool.load_state_dict(state['pool'])
        self.last_loss = state['last_loss']

    # ----------------------------------------------------------- forward
    def forward(self,
                x: Tensor,
                clip_index: Tensor,
                num_clips: int,
                objects: Optional[Tuple[Tensor, Tensor]] = None,
                memory: Optional[Tuple[Tensor, Tensor]] = None) -> Tensor:
        """Person features after the interactions.

        Args:
            x (Tensor): (R, C) pooled person features of a batch.
            clip_index (Tensor): (R,) clip of each person.
            num_clips (int): B.
            objects (tuple, optional): Object features (O, C) and their clip
                index (O,); None or empty: object blocks add nothing.
            memory (tuple, optional): Memory (B, L, C) and mask (B, L) of
                :meth:`read_memory`; required with memory blocks.

        Returns:
            Tensor: (R, C).
        """
        if x.shape[0] == 0:
            return x
        if self.uses_memory and memory is None:
            raise ValueError('ia: memory blocks need the memory input')
        rank, table = clip_layout(clip_index, num_clips)
        keys = self._keys(x, clip_index, num_clips, rank, table, objects,
                          memory)
        query = self.reduce_dropout(self.person_reduce(x))
        touched = torch.zeros(x.shape[0], 1, dtype=torch.bool,
                              device=x.device)
        for _, mask in keys.values():
            if mask.shape[1]:
                touched |= mask.any(-1, keepdim=True)
        if self.structure == 'parallel':
            delta = self._parallel(query, keys, clip_index, table)
        else:
            delta = self._serial(query, keys, clip_index, table)
        # rows that met no one: exactly x (the baseline head's input)
        return x + self.out_proj(delta) * touched.to(x.dtype)

    def _keys(self, x: Tensor, clip_index: Tensor, num_clips: int,
              rank: Tensor, table: Tensor, objects, memory) -> dict:
        """Per kind: (key sets (S, L, C) or None, mask (R, L))."""
        keys = {}
        if self.uses_persons:
            others = table[clip_index] >= 0  # (R, P)
            others &= (torch.arange(table.shape[1], device=x.device)[None] !=
                       rank[:, None])
            keys['P'] = (self.reduce_dropout(self.person_key_reduce(x)),
                         others)
        if self.uses_objects:
            keys['O'] = self._object_keys(x, clip_index, num_clips, objects)
        if self.uses_memory:
            feats, mask = memory
            feats = self.reduce_dropout(self.memory_reduce(feats.to(x)))
            keys['M'] = (feats, mask.to(x.device)[clip_index])
        return keys

    def _object_keys(self, x: Tensor, clip_index: Tensor, num_clips: int,
                     objects) -> Tuple[Tensor, Tensor]:
        empty = (x.new_zeros(num_clips, 0, self.inner_channels),
                 torch.zeros(x.shape[0], 0, dtype=torch.bool,
                             device=x.device))
        if objects is None or objects[0].shape[0] == 0:
            if not self._warned_objects and objects is None:
                print_log('ia: object blocks but no object boxes in the '
                          'data (no object_box_file): they add nothing',
                          logger='current')
                self._warned_objects = True
            return empty
        feats, obj_clip = objects
        _, table = clip_layout(obj_clip.to(x.device), num_clips)
        table = table[:, :self.max_objects]
        feats = self.reduce_dropout(self.object_reduce(feats.to(x)))
        return padded(feats, table), (table >= 0)[clip_index]

    def _interact(self, name: str, kind: str, query: Tensor, person: Tensor,
                  keys: dict, clip_index: Tensor, table: Tensor) -> Tensor:
        block = self.blocks[name]
        sets, mask = keys[kind]
        if kind == 'P':  # the persons' current features are the keys
            return block(query, padded(person, table), clip_index, mask)
        positions = (self.memory_positions(query.device)
                     if kind == 'M' else None)
        return block(query, sets, clip_index, mask, positions)

    def _serial(self, query: Tensor, keys: dict, clip_index: Tensor,
                table: Tensor) -> Tensor:
        start = query
        person = keys['P'][0] if self.uses_persons else None
        history = []
        for i, (name, kind) in enumerate(self._block_names()):
            if self.structure == 'dense' and i >= 2:
                mix = self.dense_weights[str(i)].softmax(0)  # (i, C)
                query = (torch.stack(history, 1) * mix).sum(1)
                person = query
            query = self._interact(name, kind, query, person, keys,
                                   clip_index, table)
            person = query
            history.append(query)
        return query - start

    def _parallel(self, query: Tensor, keys: dict, clip_index: Tensor,
                  table: Tensor) -> Tensor:
        start = query
        chains = [query] * len(self.layers[0])
        person = keys['P'][0] if self.uses_persons else None
        names = iter(self._block_names())
        for layer in self.layers:
            for j, _ in enumerate(layer):
                name, kind = next(names)
                chains[j] = self._interact(name, kind, chains[j], person,
                                           keys, clip_index, table)
                if kind == 'P':
                    person = chains[j]
        return torch.stack([c - start for c in chains]).sum(0)
