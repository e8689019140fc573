from typing import Dict, List, Optional, Sequence, Union

import torch
from mmaction.registry import MODELS
from mmengine.structures import BaseDataElement

from ..base_task_model import BaseTaskModel

# Features a dataset may feed, see AppleWatchDataset; the heart-rate ones are
# given in BPM and scaled inside the model by ``hr_norm``.
HR_FEATURES = ('heart_rate_prev', 'heart_rate')

# SUB_3H_42KM_DL's HeartRateLSTM keeps ``lstm.*`` and ``fc.*`` at the top
# level; here they live in the backbone and the head.
ORIGINAL_HEART_RATE_LSTM_KEY_MAP = [
    (r'^lstm\.', 'backbone.lstm.'),
    (r'^fc\.', 'head.fc.'),
]


@MODELS.register_module()
class HeartRateRegressor(BaseTaskModel):
    """Sequence-to-sequence heart-rate regression: backbone + per-step head.

    Inputs are (N, T, C) workout features named by ``input_features`` (the
    dataset's order), predictions (N, T, 1) heart rate in BPM. Heart-rate
    inputs are given in BPM and scaled with ``hr_norm`` inside the model, and
    the head's output is scaled back with it, so the LSTM works on values of
    order 1 while inputs, outputs, the loss (BPM squared) and the metrics stay
    in BPM; the ONNX export includes both scalings.

    The original project's checkpoints (``{'model_state_dict': {'lstm.*',
    'fc.*'}}``) load through ``pretrained_key_map``. They were trained on raw
    BPM with the same-step heart rate as third input: to run them as the
    original project did, use ``hr_norm=None`` and a dataset with
    ``hr_input='same'``.

    Args:
        backbone (dict): The sequence model, e.g. ``HeartRateLSTM``; its
            ``input_size`` defaults to ``len(input_features)``.
        head (dict): Per-step head, e.g. ``HeartRateHead`` (owns the loss).
        input_features (Sequence[str]): Names of the input channels, checked
            against the ``input_features`` the dataset puts in every sample,
            so a model never trains on features it was not built for.
            Defaults to ``('speed', 'altitude', 'heart_rate_prev')``.
        hr_norm (Sequence[float], optional): ``(mean, std)`` in BPM: heart-rate
            inputs become ``(hr - mean) / std`` and outputs ``out * std +
            mean``. None uses raw BPM (the original project). Defaults to
            (140.0, 20.0).
        data_preprocessor (dict, optional): Defaults to mmengine's
            ``BaseDataPreprocessor`` (moves the batch to the device).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    pretrained_key_map = ORIGINAL_HEART_RATE_LSTM_KEY_MAP

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 input_features: Sequence[str] = ('speed', 'altitude',
                                                  'heart_rate_prev'),
                 hr_norm: Optional[Sequence[float]] = (140.0, 20.0),
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.input_features = tuple(input_features)
        if not self.input_features:
            raise ValueError('input_features names no input')
        backbone = dict(backbone)
        backbone.setdefault('input_size', len(self.input_features))
        if backbone['input_size'] != len(self.input_features):
            raise ValueError(
                f'backbone input_size={backbone["input_size"]} but '
                f'input_features has {len(self.input_features)} names '
                f'{self.input_features}')
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)
        if hr_norm is not None:
            mean, std = (float(v) for v in hr_norm)
            if not std > 0:
                raise ValueError(f'hr_norm std must be > 0, got {hr_norm}')
            hr_norm = (mean, std)
        self.hr_norm = hr_norm
        # per-channel shift and scale: plain floats, not buffers, so the state
        # dict holds exactly the original project's tensors
        is_hr = [f in HR_FEATURES for f in self.input_features]
        mean, std = hr_norm or (0.0, 1.0)
        self._in_shift = [mean if h else 0.0 for h in is_hr]
        self._in_scale = [std if h else 1.0 for h in is_hr]

    def predict_hr(self, inputs: torch.Tensor) -> torch.Tensor:
        """(N, T, C) features -> (N, T, 1) heart rate in BPM."""
        # (checked in Python, not traced into the ONNX graph)
        if not torch.jit.is_tracing() and (
                inputs.dim() != 3
                or inputs.shape[-1] != len(self.input_features)):
            raise ValueError(
                f'{type(self).__name__} expects (N, T, '
                f'{len(self.input_features)}) inputs '
                f'{self.input_features}, got {tuple(inputs.shape)}')
        x = (inputs - inputs.new_tensor(self._in_shift)) / inputs.new_tensor(
            self._in_scale)
        out = self.head(self.backbone(x))
        if self.hr_norm is not None:
            out = out * self.hr_norm[1] + self.hr_norm[0]
        return out

    def check_features(self, data_samples: Sequence[BaseDataElement]) -> None:
        """Refuse samples whose input features differ from the model's."""
        for sample in data_samples[:1]:
            given = sample.metainfo.get('input_features')
            if given is not None and tuple(given) != self.input_features:
                raise ValueError(
                    f'the dataset feeds input features {tuple(given)} but '
                    f'the model was built for {self.input_features}: set '
                    f'model.input_features (and the dataset\'s hr_input) so '
                    f'that they agree')

    @staticmethod
    def _batch(inputs: Union[torch.Tensor, List[torch.Tensor]]
               ) -> torch.Tensor:
        # mmengine's BaseDataPreprocessor leaves a list of (T, C) tensors
        if isinstance(inputs, (list, tuple)):
            return torch.stack(inputs)
        return inputs

    def _forward(self, inputs: Union[torch.Tensor, List[torch.Tensor]],
                 **kwargs) -> torch.Tensor:
        """(N, T, 1) heart rate in BPM."""
        return self.predict_hr(self._batch(inputs))

    def loss(self, inputs: Union[torch.Tensor, List[torch.Tensor]],
             data_samples: List[BaseDataElement],
             **kwargs) -> Dict[str, torch.Tensor]:
        """``loss_hr``: BPM squared over the valid steps."""
        self.check_features(data_samples)
        pred = self._forward(inputs)
        target = torch.stack([s.gt_hr for s in data_samples])
        mask = torch.stack([s.mask for s in data_samples])
        return self.head.loss(pred, target, mask)

    def predict(self, inputs: Union[torch.Tensor, List[torch.Tensor]],
                data_samples: List[BaseDataElement],
                **kwargs) -> List[BaseDataElement]:
        """Data samples with ``pred_hr`` (T, 1) in BPM."""
        self.check_features(data_samples)
        for sample, hr in zip(data_samples, self._forward(inputs).detach()):
            sample.pred_hr = hr
        return data_samples
