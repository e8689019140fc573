import copy
from typing import Dict, List

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose


@TRANSFORMS.register_module()
class MultiViewClips(BaseTransform):
    """Several independently augmented views of the same clip, as clips.

    Runs ``transforms`` ``num_views`` times, each on its own copy of the
    sample (the same frames: put ``SampleFrames`` + ``ArrayDecode`` before
    it), and concatenates the views' frames, setting ``num_clips`` to
    ``num_views``: mmaction2's ``FormatShape('NCTHW')`` after it then gives
    ``(num_views, C, T, H, W)``, a batch ``(N, num_views, C, T, H, W)``. The
    two views of a moment that contrastive pretraining compares
    (:class:`~ftplugin.models.ContrastiveClipPretrainer`).

    Args:
        transforms (list[dict]): The per-view augmentations (crops, flips,
            jitter, ...); every view must end with the same frame size and
            number of frames.
        num_views (int): Views per sample. Defaults to 2.
    """

    def __init__(self, transforms: List[dict], num_views: int = 2) -> None:
        if num_views < 2:
            raise ValueError(f'num_views must be >= 2, got {num_views}')
        self.transforms = Compose(transforms)
        self.num_views = int(num_views)

    def transform(self, results: Dict) -> Dict:
        if results.get('num_clips', 1) != 1:
            raise ValueError(f'MultiViewClips takes one clip per sample, got '
                             f'num_clips={results["num_clips"]}')
        views = [self.transforms(copy.deepcopy(results))
                 for _ in range(self.num_views)]
        shapes = {np.shape(v['imgs']) for v in views}
        if len(shapes) != 1:
            raise ValueError(f'MultiViewClips: the views differ in shape '
                             f'{sorted(shapes)}; end the per-view transforms '
                             f'with a fixed-size Resize')
        out = views[0]
        out['imgs'] = [img for view in views for img in view['imgs']]
        out['num_clips'] = self.num_views
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_views={self.num_views}, '
                f'transforms={self.transforms})')
