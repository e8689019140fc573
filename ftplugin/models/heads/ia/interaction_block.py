from typing import Optional

import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


def init_linear(layer: nn.Linear, std: float) -> None:
    """AlphAction's ``init_layer``: normal weights (zeros when ``std`` is
    0), zero bias."""
    if std == 0:
        nn.init.zeros_(layer.weight)
    else:
        nn.init.normal_(layer.weight, std=std)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)


@MODELS.register_module()
class InteractionBlock(nn.Module):
    """One interaction unit of AlphAction's IA structure (``InteractionBlock``
    of ``IA_structure.py``), on pooled feature vectors.

    Each query row attends (scaled dot product) to its own set of keys -
    the other persons of its clip, the objects of its clip or its memory -
    and adds the result to itself::

        out = query + has_keys * dropout(W_o relu(LN(softmax(q k^T) v)))

    Keys that are padding or excluded (``mask`` False) get no weight, and a
    row without any key gets exactly its query back (AlphAction lets zero
    padding and the person itself into the softmax; here "no one else" means
    "no interaction"). ``W_o`` starts at zero (AlphAction's
    ``USE_ZERO_INIT_CONV``), so a new block starts as the identity.

    Args:
        channels (int): Width of queries, keys and output.
        dropout (float): Dropout of the block's output. Defaults to 0.
        layer_norm (bool): Normalise the attention output (no affine, as
            AlphAction's ``LAYER_NORM``). Defaults to True.
        init_std (float): Std of the projections' initial weights.
            Defaults to 0.01.
        zero_init_out (bool): Start ``W_o`` at zero. Defaults to True.
        bias (bool): Projections with bias. Defaults to True.
        num_positions (int): Learned temporal position embeddings added to
            keys and values (AlphAction's ``TEMPORAL_POSITION``, memory
            blocks); 0 for none. Defaults to 0.
    """

    def __init__(self,
                 channels: int,
                 dropout: float = 0.0,
                 layer_norm: bool = True,
                 init_std: float = 0.01,
                 zero_init_out: bool = True,
                 bias: bool = True,
                 num_positions: int = 0) -> None:
        super().__init__()
        self.channels = channels
        self.scale = channels**-0.5
        self.query = nn.Linear(channels, channels, bias)
        self.key = nn.Linear(channels, channels, bias)
        self.value = nn.Linear(channels, channels, bias)
        self.out = nn.Linear(channels, channels, bias)
        for layer in (self.query, self.key, self.value):
            init_linear(layer, init_std)
        init_linear(self.out, 0.0 if zero_init_out else init_std)
        self.layer_norm = (nn.LayerNorm(channels, elementwise_affine=False)
                           if layer_norm else nn.Identity())
        self.dropout = nn.Dropout(dropout)
        self.num_positions = num_positions
        if num_positions > 0:
            self.position_k = nn.Parameter(torch.zeros(num_positions,
                                                       channels))
            self.position_v = nn.Parameter(torch.zeros(num_positions,
                                                       channels))

    def forward(self,
                query: Tensor,
                keys: Tensor,
                key_index: Tensor,
                mask: Tensor,
                positions: Optional[Tensor] = None) -> Tensor:
        """Queries after the interaction.

        Args:
            query (Tensor): (R, C).
            keys (Tensor): (S, L, C) key sets, e.g. one per clip.
            key_index (Tensor): (R,) the key set of each query row.
            mask (Tensor): (R, L) bool, the keys each row may attend to.
            positions (Tensor, optional): (L,) position of each key
                (``num_positions`` > 0).

        Returns:
            Tensor: (R, C).
        """
        if keys.shape[1] == 0 or not bool(mask.any()):
            return query
        k, v = self.key(keys), self.value(keys)
        if self.num_positions > 0:
            if positions is None:
                raise ValueError('this block adds temporal positions: pass '
                                 'positions')
            k = k + self.position_k[positions]
            v = v + self.position_v[positions]
        k, v = k[key_index], v[key_index]  # (R, L, C)
        scores = torch.einsum('rc,rlc->rl', self.query(query), k) * self.scale
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        # a masked key weighs exactly 0 (rows with keys) or is dropped with
        # its whole row below (rows without)
        weights = scores.softmax(-1) * mask
        attended = torch.einsum('rl,rlc->rc', weights, v)
        out = self.dropout(self.out(torch.relu(self.layer_norm(attended))))
        has_keys = mask.any(-1, keepdim=True).to(out.dtype)
        return query + out * has_keys
