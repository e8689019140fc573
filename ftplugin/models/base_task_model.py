from abc import ABCMeta, abstractmethod
from typing import Dict, Union

import torch
from mmaction.utils import OptSampleList, SampleList
from mmengine.model import BaseModel


class BaseTaskModel(BaseModel, metaclass=ABCMeta):
    """Base of ftplugin's task models that are not recognizers (regressors,
    self-supervised pretrainers).

    It routes ``forward(mode)`` exactly as mmaction2's ``BaseRecognizer``
    does, so a subclass only writes :meth:`loss`, :meth:`predict` and
    :meth:`_forward`. Not registered.

    Args:
        data_preprocessor (dict, optional): The model's data preprocessor.
            Defaults to None (mmengine's ``BaseDataPreprocessor``).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    @abstractmethod
    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """A dict of losses for a batch."""

    @abstractmethod
    def predict(self, inputs: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """The data samples with the model's predictions set."""

    @abstractmethod
    def _forward(self, inputs: torch.Tensor, **kwargs):
        """The raw network output, without post-processing."""

    def forward(self,
                inputs: torch.Tensor,
                data_samples: OptSampleList = None,
                mode: str = 'tensor',
                **kwargs) -> Union[Dict, SampleList, torch.Tensor]:
        """``'tensor'``: :meth:`_forward`; ``'loss'``: :meth:`loss`;
        ``'predict'``: :meth:`predict`."""
        if mode == 'tensor':
            return self._forward(inputs, **kwargs)
        if mode == 'predict':
            return self.predict(inputs, data_samples, **kwargs)
        if mode == 'loss':
            return self.loss(inputs, data_samples, **kwargs)
        raise RuntimeError(f'Invalid mode "{mode}". '
                           'Only supports loss, predict and tensor mode')
