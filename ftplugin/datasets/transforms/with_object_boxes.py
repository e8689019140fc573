from typing import Dict, List, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose


@TRANSFORMS.register_module()
class WithObjectBoxes(BaseTransform):
    """Apply geometric transforms to the frames, the person boxes and the
    object boxes (``object_bboxes``) alike.

    mmaction2's ``Resize``, ``Flip`` and crops move ``gt_bboxes`` and
    ``proposals`` with the frames and know nothing of other boxes; this
    wrapper runs ``transforms`` once with the object boxes appended to
    ``proposals`` and splits them off again, so they get exactly the same
    resizing, flipping and cropping. Without ``object_bboxes`` (no object
    box file) it is just ``transforms``.

    Args:
        transforms (list[dict | callable]): The geometric transforms.
    """

    def __init__(self, transforms: List[Union[dict, callable]]) -> None:
        self.transforms = Compose(transforms)

    def transform(self, results: Dict) -> Dict:
        objects = results.pop('object_bboxes', None)
        if objects is None:
            return self.transforms(results)
        persons = results.get('proposals')
        num = 0 if persons is None else len(persons)
        results['proposals'] = np.concatenate(
            [np.zeros((0, 4), np.float32) if persons is None else persons,
             np.asarray(objects, np.float32).reshape(-1, 4)])
        results = self.transforms(results)
        boxes = results.pop('proposals')
        if persons is not None:
            results['proposals'] = boxes[:num]
        results['object_bboxes'] = boxes[num:]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(transforms={self.transforms})'
