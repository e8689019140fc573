"""ava_custom: keyframes of AVA-style clips with person boxes."""
import os.path as osp
from typing import List

import numpy as np

from .base import BasePredictor, InferenceInputError, ModelMismatchError
from .pipeline import TestPipeline


class AVAPredictor(BasePredictor):
    """Action scores per person box per keyframe.

    The input is an annotation JSON of the ava_custom layout (its ``images``
    name the keyframes ``<video>/<second>``; ``annotations`` may be empty),
    with the clips under ``<data_root>/clips/<video>/<second>.mp4``
    (``data_root`` defaults to the JSON's folder's parent, the dataset's
    layout). Person boxes come from ``boxes`` (a box file: ``image_id``,
    ``bbox`` [x, y, w, h] in keyframe pixels, ``score``; those below the
    config's ``box_score_thr`` dropped), else from the annotations' boxes.
    The training dataset class reads it all (test mode), the config's test
    pipeline prepares each keyframe, and the detector scores every box:
    one record per person and keyframe, ``x1``..``y2`` normalised to [0, 1]
    as in the AVA predictions CSV, ``probs`` one score per class
    (sigmoid), the top class as ``pred_class``.

    Options:
        boxes (str): The person box file.
        data_root (str): Folder holding ``clips/``.
    """
    extensions = ('.json', )

    @classmethod
    def option_names(cls):
        return ('boxes', 'data_root')

    def __init__(self, spec: dict, scorers, **kwargs) -> None:
        super().__init__(spec, scorers, **kwargs)
        if spec.get('ia'):
            # the scorers take one keyframe's clip and boxes: IA also needs
            # the clip's other persons, objects and the memory pool
            raise ModelMismatchError(
                f'{spec.get("config") or "the config"} has interaction '
                f'aggregation (model.cls_head.ia), which inference on single '
                f'keyframes cannot feed (the memory pool of the video\'s '
                f'other keyframes, object boxes): score it with tools/test.py '
                f'--dump, or use a config without cls_head.ia')
        self.pipeline = TestPipeline(spec)

    def dataset(self, path: str):
        """The test-mode dataset of the annotation file ``path``."""
        from mmaction.registry import DATASETS
        ann_file = osp.abspath(path)
        data_root = self.options.get('data_root') or osp.dirname(
            osp.dirname(ann_file))
        cfg = dict(self.spec['dataset'], data_root=data_root,
                   ann_file=ann_file, test_mode=True, pipeline=[])
        boxes = self.options.get('boxes')
        cfg['box_file'] = osp.abspath(boxes) if boxes else None
        if self.spec.get('category_ids'):
            cfg['category_ids'] = list(self.spec['category_ids'])
        dataset = DATASETS.build(cfg)
        names = list(dataset.metainfo.get('classes') or [])
        if self.classes and names != self.classes:
            # the ids agree (checked by the dataset), the names do not:
            # which of the two is right cannot be told
            raise InferenceInputError(
                f'{path}: field "categories" names the classes '
                f'{", ".join(names)} but '
                f'{self.spec.get("checkpoint") or "the model"} was trained '
                f'on {", ".join(self.classes)} (same ids): each score would '
                f'be named by another class; fix the names or use the '
                f'categories of the training annotations')
        return dataset

    def predict_file(self, path: str) -> List[dict]:
        self.check_extension(path)
        dataset = self.dataset(path)
        records = []
        for i in range(len(dataset)):
            packed = self.pipeline.packed(dataset[i])
            clips = self.pipeline.normalize(
                packed['inputs'].numpy()[None])[:, 0]
            sample = packed['data_samples']
            boxes = sample.proposals.bboxes.numpy().astype(np.float32)
            if not len(boxes):
                continue
            scores = np.mean(self.score(clips, boxes[None]), 0)[0]
            height, width = clips.shape[-2:]
            norm = boxes / np.array([width, height, width, height],
                                    np.float32)
            for j, (box, probs) in enumerate(zip(norm, scores)):
                records.append(dict(
                    file=path, video=sample.metainfo['video_id'],
                    timestamp=int(sample.metainfo['timestamp']), person=j,
                    x1=float(box[0]), y1=float(box[1]), x2=float(box[2]),
                    y2=float(box[3]), **self.class_fields(probs),
                    num_windows=1))
        return records
