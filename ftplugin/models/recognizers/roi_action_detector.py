from typing import List, Sequence, Tuple, Union

import torch
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.structures import InstanceData
from torch import Tensor

from ..roi_align import RoIAlign


def boxes_to_rois(boxes: Sequence[Tensor]) -> Tensor:
    """(R, 5) RoIs ``[batch index, x1, y1, x2, y2]`` of per-clip boxes."""
    rois = [torch.cat([b.new_full((len(b), 1), float(i)), b[:, :4]], 1)
            for i, b in enumerate(boxes)]
    return torch.cat(rois) if rois else torch.zeros(0, 5)


@MODELS.register_module()
class RoIActionDetector(BaseRecognizer):
    """Spatio-temporal action detector without mmdet (AlphAction's model).

    A 3D backbone of mmaction2 (``ResNet3dSlowFast``, ``ResNet3dSlowOnly``,
    ...) encodes the clip; each pathway's feature map is averaged over time
    and the pathways are concatenated along channels; RoIAlign
    (:mod:`ftplugin.models.roi_align`, mmcv's aligned semantics, on CPU and
    GPU) pools a ``roi_size`` x ``roi_size`` feature per person box; the
    head (``cls_head``, e.g. :class:`RoIActionHead`) scores every class of
    every box. Training uses the ground-truth boxes of each keyframe
    (``gt_instances``), testing the ``proposals`` (detections), falling
    back to the ground-truth boxes. The RoI scale is the feature map's size
    over the input's, so any input size works.

    Predictions: ``pred_instances.bboxes`` (m, 4) x1y1x2y2 normalised to
    [0, 1] by the input size, ``pred_instances.scores`` (m, K).

    Args:
        backbone (dict): mmaction2 backbone config.
        cls_head (dict): RoI head config.
        roi_size (int): RoIAlign output size. Defaults to 7 (the guide's).
        sampling_ratio (int): RoIAlign samples per bin and axis (> 0 to
            export to ONNX). Defaults to 2.
        aligned (bool): RoIAlign pixel-centre model. Defaults to True.
        data_preprocessor (dict, optional): Defaults to mmaction2's
            ``ActionDataPreprocessor``.
        train_cfg, test_cfg: Of :class:`BaseRecognizer`.
    """

    def __init__(self,
                 backbone: dict,
                 cls_head: dict,
                 roi_size: int = 7,
                 sampling_ratio: int = 2,
                 aligned: bool = True,
                 data_preprocessor: dict = None,
                 train_cfg: dict = None,
                 test_cfg: dict = None) -> None:
        super().__init__(
            backbone=backbone, cls_head=cls_head,
            data_preprocessor=data_preprocessor, train_cfg=train_cfg,
            test_cfg=test_cfg)
        self.roi_align = RoIAlign(roi_size, sampling_ratio=sampling_ratio,
                                  aligned=aligned)

    @staticmethod
    def _clips(inputs: Tensor) -> Tensor:
        # the data preprocessor stacks (N, crops, C, T, H, W); boxes belong
        # to one view of the keyframe
        if inputs.ndim == 6:
            if inputs.shape[1] != 1:
                raise ValueError(f'RoIActionDetector takes one view per '
                                 f'keyframe, got {inputs.shape[1]}')
            inputs = inputs[:, 0]
        return inputs

    def extract_feat(self, inputs: Tensor, stage: str = 'backbone',
                     **kwargs) -> Tuple[Union[Tensor, tuple], dict]:
        """Backbone features of a batch of clips (mode ``'tensor'``)."""
        return self.backbone(self._clips(inputs)), {}

    def roi_features(self, feats: Union[Tensor, Sequence[Tensor]],
                     rois: Tensor, input_width: int) -> Tensor:
        """RoI features (R, C, s, s) of temporally pooled backbone maps."""
        maps = [feats] if isinstance(feats, Tensor) else list(feats)
        pooled = [m.mean(2) if m.ndim == 5 else m for m in maps]
        sizes = {tuple(p.shape[-2:]) for p in pooled}
        if len(sizes) != 1:
            raise ValueError(f'backbone pathways differ in spatial size '
                             f'{sizes}; RoIs need one map')
        fmap = torch.cat(pooled, 1) if len(pooled) > 1 else pooled[0]
        return self.roi_align(fmap, rois,
                              spatial_scale=fmap.shape[-1] / input_width)

    def _scores_logits(self, clips: Tensor,
                       boxes: List[Tensor]) -> Tensor:
        feats = self.backbone(clips)
        rois = boxes_to_rois(boxes).to(clips)
        return self.cls_head(self.roi_features(feats, rois, clips.shape[-1]))

    def loss(self, inputs: Tensor, data_samples: SampleList,
             **kwargs) -> dict:
        """Group losses of the ground-truth boxes of each keyframe."""
        clips = self._clips(inputs)
        boxes = [ds.gt_instances.bboxes for ds in data_samples]
        labels = torch.cat([ds.gt_instances.labels for ds in data_samples])
        logits = self._scores_logits(clips, boxes)
        return self.cls_head.loss_by_labels(logits, labels.to(logits))

    def predict(self, inputs: Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Scores of every proposal (or ground-truth box) of each clip."""
        clips = self._clips(inputs)
        boxes = [(ds.proposals.bboxes if 'proposals' in ds else
                  ds.gt_instances.bboxes).to(clips) for ds in data_samples]
        scores = self.cls_head.predict_scores(
            self._scores_logits(clips, boxes))
        height, width = clips.shape[-2:]
        size = clips.new_tensor([width, height, width, height])
        for ds, b, s in zip(data_samples, boxes,
                            scores.split([len(b) for b in boxes])):
            ds.pred_instances = InstanceData(bboxes=b / size, scores=s)
        return data_samples

    def onnx_outputs(self, clips: Tensor, boxes: Tensor) -> Tuple[Tensor]:
        """Deployment outputs: per-box class scores (N, M, K).

        Args:
            clips (Tensor): Normalised clips (N, C, T, H, W).
            boxes (Tensor): M boxes per clip (N, M, 4), x1y1x2y2 in input
                pixels.
        """
        num, per_clip = boxes.shape[:2]
        batch = torch.arange(num, device=boxes.device, dtype=boxes.dtype)
        batch = batch[:, None, None].expand(num, per_clip, 1)
        rois = torch.cat([batch, boxes], 2).reshape(-1, 5)
        feats = self.backbone(clips)
        logits = self.cls_head(self.roi_features(feats, rois,
                                                 clips.shape[-1]))
        scores = self.cls_head.predict_scores(logits)
        return (scores.reshape(num, per_clip, -1), )
