from typing import Dict, Sequence

import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement


@TRANSFORMS.register_module()
class PackHeartRateInputs(BaseTransform):
    """Pack one workout of :class:`AppleWatchDataset` for the model.

    ``inputs``: the (T, C) feature tensor; ``data_samples``: a
    ``BaseDataElement`` with ``gt_hr`` (T, 1) in BPM, ``mask`` (T, 1) bool
    (valid steps) and the metainfo named by ``meta_keys``.

    Args:
        meta_keys (Sequence[str]): Keys of the sample copied into the
            metainfo when present. Defaults to ``('sample_idx', 'filename',
            'original_length', 'input_features', 'user_id', 'gender')``.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('sample_idx', 'filename',
                                             'original_length',
                                             'input_features', 'user_id',
                                             'gender')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: Dict) -> Dict:
        sample = BaseDataElement(metainfo={
            k: results[k] for k in self.meta_keys if k in results})
        sample.gt_hr = torch.as_tensor(results['heart_rate'])
        sample.mask = torch.as_tensor(results['mask'])
        return dict(inputs=torch.as_tensor(results['inputs']),
                    data_samples=sample)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
