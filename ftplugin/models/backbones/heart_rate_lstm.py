import re
from typing import List, Optional, Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import nn


def lstm_layer_param_names(lstm: nn.LSTM, layer: int) -> List[str]:
    """Names (inside ``lstm``) of the parameters of one stacked layer.

    ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``
    and, for a bidirectional LSTM, the same with ``_reverse``.

    Args:
        lstm (nn.LSTM): The LSTM.
        layer (int): 0-based layer index.

    Returns:
        list[str]: The matching parameter names.
    """
    pattern = re.compile(rf'^(weight|bias)_(ih|hh)_l{layer}(_reverse)?$')
    return [name for name, _ in lstm.named_parameters()
            if pattern.match(name)]


@MODELS.register_module()
class HeartRateLSTM(BaseModule):
    """Stacked unidirectional (or bidirectional) LSTM over workout steps.

    (N, T, input_size) features -> (N, T, hidden_size x directions) hidden
    states. The LSTM is the child ``lstm``, so its tensors are named as in the
    original project's ``HeartRateLSTM`` (``lstm.weight_ih_l0``, ...) under the
    task model's ``backbone.`` prefix.

    Args:
        input_size (int): Features per step. Defaults to 3.
        hidden_size (int): Hidden units per direction. Defaults to 64.
        num_layers (int): Stacked LSTM layers. Defaults to 2.
        dropout (float): Dropout between stacked layers (none after the
            last, as ``nn.LSTM``). Defaults to 0.2.
        bidirectional (bool): Also run the sequence backwards. A
            bidirectional model sees future speed, so it is no forecaster.
            Defaults to False.
        frozen_layers (Sequence[int]): Layers whose parameters get
            ``requires_grad=False``, e.g. ``(0, )`` for the original project's
            stage 1. Defaults to ().
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 input_size: int = 3,
                 hidden_size: int = 64,
                 num_layers: int = 2,
                 dropout: float = 0.2,
                 bidirectional: bool = False,
                 frozen_layers: Sequence[int] = (),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.out_channels = hidden_size * (2 if bidirectional else 1)
        self.lstm = nn.LSTM(
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            # nn.LSTM warns about dropout with a single layer
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional)
        self.frozen_layers = tuple(frozen_layers)
        self.freeze_layers(self.frozen_layers)

    def freeze_layers(self, layers: Sequence[int]) -> List[str]:
        """Stop the gradients of whole LSTM layers.

        Args:
            layers (Sequence[int]): 0-based layer indices.

        Returns:
            list[str]: Names (inside ``lstm``) of the frozen parameters.
        """
        frozen = []
        for layer in layers:
            if not 0 <= layer < self.num_layers:
                raise ValueError(f'cannot freeze LSTM layer {layer}: the '
                                 f'LSTM has layers 0..{self.num_layers - 1}')
            for name in lstm_layer_param_names(self.lstm, layer):
                getattr(self.lstm, name).requires_grad = False
                frozen.append(name)
        return frozen

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, T, input_size) -> (N, T, out_channels)."""
        if not torch.jit.is_tracing() and (x.dim() != 3 or
                                           x.shape[-1] != self.input_size):
            raise ValueError(
                f'HeartRateLSTM expects (N, T, {self.input_size}) inputs, '
                f'got {tuple(x.shape)}')
        out, _ = self.lstm(x)
        return out
