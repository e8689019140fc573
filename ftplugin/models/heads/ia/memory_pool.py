from typing import Dict, List, Optional, Sequence, Tuple

import torch
from torch import Tensor


class MemoryPool:
    """Person features per video and keyframe: AlphAction's memory pool.

    An entry is what the detector wrote for one keyframe (``video``,
    ``timestamp``): the pooled RoI features (n, C) of its n persons, kept
    detached on the CPU, and the loss of the iteration that wrote it (the
    "loss tag" of AlphAction's memory penalty). A newer write of the same
    keyframe replaces the older one (the asynchronous update: an entry holds
    the features of the last time training saw that keyframe).

    :meth:`gather` reads the neighbours of a keyframe: the entries of the
    **same video** at ``timestamp +- k * rate`` for ``k = 1..before`` /
    ``1..after``, never the keyframe's own entry.
    """

    def __init__(self) -> None:
        self._store: Dict[str, Dict[int, Tuple[Tensor, Optional[float]]]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._store.values())

    def __contains__(self, key: Tuple[str, int]) -> bool:
        video, timestamp = key
        return int(timestamp) in self._store.get(str(video), {})

    def clear(self) -> None:
        self._store.clear()

    def write(self, video: str, timestamp: int, features: Tensor,
              loss_tag: Optional[float] = None) -> None:
        """Store (a detached CPU copy of) ``features`` (n, C)."""
        if features.ndim != 2:
            raise ValueError(f'memory features must be (persons, channels), '
                             f'got {tuple(features.shape)}')
        self._store.setdefault(str(video), {})[int(timestamp)] = (
            features.detach().to('cpu', copy=True),
            None if loss_tag is None else float(loss_tag))

    def get(self, video: str,
            timestamp: int) -> Optional[Tuple[Tensor, Optional[float]]]:
        """The entry ``(features, loss_tag)`` of one keyframe, or None."""
        return self._store.get(str(video), {}).get(int(timestamp))

    @staticmethod
    def offsets(before: int, after: int, rate: int = 1) -> List[int]:
        """Timestamp offsets of the memory slots, oldest first; 0 (the
        keyframe itself) is never one."""
        return ([-k * rate for k in range(before, 0, -1)] +
                [k * rate for k in range(1, after + 1)])

    def gather(self,
               videos: Sequence[str],
               timestamps: Sequence[int],
               before: int,
               after: int,
               rate: int = 1,
               max_per_slot: int = 5,
               channels: int = None,
               current_loss: Optional[float] = None
               ) -> Tuple[Tensor, Tensor]:
        """Memory of a batch of keyframes, padded to a fixed length.

        Args:
            videos, timestamps: The keyframes (one per clip of the batch).
            before, after (int): Slots before / after each keyframe.
            rate (int): Seconds between slots.
            max_per_slot (int): Persons kept per slot (the first ones, in
                the order they were written; AlphAction's ``MAX_PER_SEC``).
            channels (int): C, used when the pool holds nothing to read.
            current_loss (float, optional): AlphAction's memory penalty: each
                entry is scaled by ``min(tag, cur) / max(tag, cur)`` of its
                loss tag and this loss. None: no penalty.

        Returns:
            tuple: ``features`` (B, S * max_per_slot, C) float32 on the CPU,
            slot by slot (oldest first), zero where nothing was read, and
            ``mask`` (B, S * max_per_slot) bool, True where an entry was read.
        """
        offsets = self.offsets(before, after, rate)
        slots = len(offsets)
        if channels is None:
            channels = next((f.shape[1] for v in self._store.values()
                             for f, _ in v.values()), 0)
        feats = torch.zeros(len(videos), slots * max_per_slot, channels)
        mask = torch.zeros(len(videos), slots * max_per_slot,
                           dtype=torch.bool)
        for b, (video, ts) in enumerate(zip(videos, timestamps)):
            entries = self._store.get(str(video))
            if not entries:
                continue
            for s, off in enumerate(offsets):
                entry = entries.get(int(ts) + off)
                if entry is None:
                    continue
                value, tag = entry
                value = value[:max_per_slot]
                if current_loss is not None and tag is not None:
                    high = max(tag, current_loss)
                    value = value * (min(tag, current_loss) / high
                                     if high > 0 else 1.0)
                start = s * max_per_slot
                feats[b, start:start + len(value)] = value
                mask[b, start:start + len(value)] = True
        return feats, mask

    def state_dict(self) -> dict:
        """Plain data (str, int, float, tensors) for a checkpoint."""
        return dict(entries=[[video, ts, feats, tag]
                             for video, per in sorted(self._store.items())
                             for ts, (feats, tag) in sorted(per.items())])

    def load_state_dict(self, state: dict) -> None:
        """Replace the pool by what :meth:`state_dict` returned."""
        self.clear()
        for video, ts, feats, tag in state['entries']:
            self.write(video, ts, feats, tag)
