from typing import List, Optional, Sequence, Tuple, Union

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

    With AlphAction's Interaction Aggregation in the head
    (``cls_head.ia``), the head also gets the clip of each box, the RoI
    features of the clip's object boxes (``metainfo['object_bboxes']``,
    from the dataset's ``object_box_file``) and the memory of neighbouring
    keyframes of the same video (``metainfo['video_id']`` / ``['timestamp']``);
    training writes each keyframe's pooled person features (detached) to the
    memory pool after its loss, test reads the pool that
    :meth:`fill_test_memory` (run by ``IAMemoryHook``) filled.

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

    @property
    def ia(self):
        """The head's interaction aggregation module, or None."""
        return getattr(self.cls_head, 'ia', None)

    @staticmethod
    def _keyframes(data_samples: SampleList) -> Tuple[list, list]:
        try:
            return ([ds.metainfo['video_id'] for ds in data_samples],
                    [int(ds.metainfo['timestamp']) for ds in data_samples])
        except KeyError as err:
            raise KeyError(
                f'IA memory needs each sample\'s video and keyframe: add '
                f'"video_id" and "timestamp" to PackActionInputs\' '
                f'meta_keys (missing {err})') from None

    def _ia_inputs(self, feats, boxes: List[Tensor],
                   data_samples: SampleList, input_width: int) -> dict:
        """Clip of each box, object features, memory (``cls_head.ia``)."""
        ia, ref = self.ia, boxes[0] if boxes else torch.zeros(0)
        clip_index = torch.cat([torch.full((len(b), ), i, dtype=torch.long)
                                for i, b in enumerate(boxes)]).to(ref.device)
        inputs = dict(clip_index=clip_index, num_clips=len(boxes))
        if ia.uses_objects:
            objects = [ds.metainfo.get('object_bboxes') for ds in data_samples]
            if any(o is not None for o in objects):
                objects = [torch.as_tensor(
                    o if o is not None else [], dtype=torch.float32).reshape(
                        -1, 4)[:ia.max_objects].to(ref.device)
                    for o in objects]
                pooled = self.cls_head.pool(self.roi_features(
                    feats, boxes_to_rois(objects).to(ref), input_width))
                inputs['objects'] = (pooled, torch.cat([
                    torch.full((len(o), ), i, dtype=torch.long)
                    for i, o in enumerate(objects)]).to(ref.device))
        if ia.uses_memory:
            memory, mask = ia.read_memory(*self._keyframes(data_samples))
            inputs['memory'] = (memory.to(ref), mask.to(ref.device))
        return inputs

    def _scores_logits(self, clips: Tensor, boxes: List[Tensor],
                       data_samples: Optional[SampleList] = None
                       ) -> Tuple[Tensor, Tensor]:
        """Logits (R, K) and pooled RoI features (R, C) of the boxes."""
        feats = self.backbone(clips)
        rois = boxes_to_rois(boxes).to(clips)
        pooled = self.cls_head.pool(self.roi_features(feats, rois,
                                                      clips.shape[-1]))
        ia_inputs = None
        if self.ia is not None:
            ia_inputs = self._ia_inputs(feats, boxes, data_samples,
                                        clips.shape[-1])
        return self.cls_head(pooled, ia_inputs), pooled

    def loss(self, inputs: Tensor, data_samples: SampleList,
             **kwargs) -> dict:
        """Group losses of the ground-truth boxes of each keyframe; with IA
        memory, the keyframes' features then go to the memory pool."""
        clips = self._clips(inputs)
        boxes = [ds.gt_instances.bboxes.to(clips) for ds in data_samples]
        labels = torch.cat([ds.gt_instances.labels for ds in data_samples])
        logits, pooled = self._scores_logits(clips, boxes, data_samples)
        losses = self.cls_head.loss_by_labels(logits, labels.to(logits))
        if self.ia is not None and self.ia.uses_memory:
            # AlphAction's asynchronous memory: written after the batch read
            # it, tagged with this iteration's loss (its penalty)
            total = float(sum(v.detach() for v in losses.values()))
            self.ia.write_memory(
                *self._keyframes(data_samples),
                pooled.detach().split([len(b) for b in boxes]), loss=total)
        return losses

    @staticmethod
    def _test_boxes(data_samples: SampleList, clips: Tensor) -> List[Tensor]:
        return [(ds.proposals.bboxes if 'proposals' in ds else
                 ds.gt_instances.bboxes).to(clips) for ds in data_samples]

    def predict(self, inputs: Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Scores of every proposal (or ground-truth box) of each clip."""
        clips = self._clips(inputs)
        boxes = self._test_boxes(data_samples, clips)
        logits, _ = self._scores_logits(clips, boxes, data_samples)
        scores = self.cls_head.predict_scores(logits)
        height, width = clips.shape[-2:]
        size = clips.new_tensor([width, height, width, height])
        for ds, b, s in zip(data_samples, boxes,
                            scores.split([len(b) for b in boxes])):
            ds.pred_instances = InstanceData(bboxes=b / size, scores=s)
        return data_samples

    @torch.no_grad()
    def fill_test_memory(self, data: dict) -> None:
        """Stage 1 of AlphAction's two-stage inference: store the pooled
        features of a batch's test boxes in the test memory pool.

        Args:
            data (dict): A dataloader batch (``inputs``, ``data_samples``).
        """
        data = self.data_preprocessor(data, False)
        clips = self._clips(data['inputs'])
        boxes = self._test_boxes(data['data_samples'], clips)
        pooled = self.cls_head.pool(self.roi_features(
            self.backbone(clips), boxes_to_rois(boxes).to(clips),
            clips.shape[-1]))
        self.ia.write_memory(*self._keyframes(data['data_samples']),
                             pooled.split([len(b) for b in boxes]),
                             test=True)

    def onnx_outputs(self, clips: Tensor, boxes: Tensor) -> Tuple[Tensor]:
        """Deployment outputs: per-box class scores (N, M, K).

        Args:
            clips (Tensor): Normalised clips (N, C, T, H, W).
            boxes (Tensor): M boxes per clip (N, M, 4), x1y1x2y2 in input
                pixels.
        """
        if self.ia is not None:
            raise NotImplementedError(
                'ONNX export covers the baseline RoI head only: interaction '
                'aggregation (cls_head.ia) needs the clip\'s other persons, '
                'object boxes and the memory pool of the video\'s other '
                'keyframes at inference, which the exported graph does not '
                'take; export a config without cls_head.ia')
        num, per_clip = boxes.shape[:2]
        batch = torch.arange(num, device=boxes.device, dtype=boxes.dtype)
        batch = batch[:, None, None].expand(num, per_clip, 1)
        rois = torch.cat([batch, boxes], 2).reshape(-1, 5)
        feats = self.backbone(clips)
        logits = self.cls_head(self.roi_features(feats, rois,
                                                 clips.shape[-1]))
        scores = self.cls_head.predict_scores(logits)
        return (scores.reshape(num, per_clip, -1), )
