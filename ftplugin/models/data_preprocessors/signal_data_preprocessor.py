from typing import Optional, Sequence, Union

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor


@MODELS.register_module()
class SignalDataPreprocessor(BaseDataPreprocessor):
    """Stack ``(C, T)`` signal windows and normalise each channel.

    The per-channel mean and std are buffers of the model: fitted once on
    the training split (``FitNormalizationHook`` calls
    :meth:`set_statistics`), they are saved in every checkpoint, so testing,
    inference and the ONNX export (through :meth:`normalize`) use exactly
    the training statistics. Until they are set, using the model is an
    error rather than a silent run on unnormalised data.

    Args:
        num_channels (int): Channels of the input windows.
        eps (float): Channels whose std is below this are refused when
            fitting (a constant channel carries nothing). Defaults to 1e-8.
    """

    def __init__(self, num_channels: int, eps: float = 1e-8) -> None:
        super().__init__()
        self.num_channels = num_channels
        self.eps = eps
        self.register_buffer('mean', torch.zeros(num_channels))
        self.register_buffer('std', torch.ones(num_channels))
        self.register_buffer('fitted', torch.tensor(False))

    def set_statistics(self, mean: Union[Sequence[float], np.ndarray],
                       std: Union[Sequence[float], np.ndarray],
                       channels: Optional[Sequence[str]] = None) -> None:
        """Store per-channel statistics (of the training split).

        Args:
            mean (array-like): ``num_channels`` means.
            std (array-like): ``num_channels`` standard deviations.
            channels (Sequence[str], optional): Names, for error messages.
        """
        mean = torch.as_tensor(np.asarray(mean), dtype=torch.float32)
        std = torch.as_tensor(np.asarray(std), dtype=torch.float32)
        if mean.shape != (self.num_channels, ) or std.shape != mean.shape:
            raise ValueError(f'expected {self.num_channels} means and stds, '
                             f'got shapes {tuple(mean.shape)}, '
                             f'{tuple(std.shape)}')
        flat = [i for i, s in enumerate(std.tolist()) if not s > self.eps]
        if flat:
            names = [channels[i] if channels else i for i in flat]
            raise ValueError(f'channel(s) {names} are constant in the '
                             f'training data (std <= {self.eps})')
        self.mean.copy_(mean)
        self.std.copy_(std)
        self.fitted.fill_(True)

    def normalize(self, inputs: torch.Tensor) -> torch.Tensor:
        """``(N, C, T)`` raw windows -> normalised float windows."""
        if not torch.jit.is_tracing():
            if not bool(self.fitted):
                raise RuntimeError(
                    'normalisation statistics are not set: train with '
                    'FitNormalizationHook, or load a checkpoint of a '
                    'trained model (they are saved with it)')
            if inputs.dim() != 3 or inputs.shape[1] != self.num_channels:
                raise ValueError(f'expected (N, {self.num_channels}, T) '
                                 f'windows, got {tuple(inputs.shape)}')
        return (inputs.float() - self.mean[:, None]) / self.std[:, None]

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)):
            inputs = torch.stack(list(inputs))
        return dict(inputs=self.normalize(inputs),
                    data_samples=data.get('data_samples'))
