import logging
import os.path as osp
from typing import Callable, Dict, List, Optional, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from .formats.ava_clips import (check_frame_size, clip_path, frame_positions,
                                list_clips, read_clip)
from .formats.checks import check_implausible_mode
from .formats.ava_annotations_json import load_ava_annotations
from .formats.ava_person_boxes_json import load_person_boxes
from .seeded_sample_mixin import SeededSampleMixin


@DATASETS.register_module()
class AVACustomDataset(SeededSampleMixin, BaseActionDataset):
    """Spatio-temporal action detection data in AlphAction's custom layout.

    ``clips/<video>/<timestamp>.mp4`` (one clip per second), COCO-style
    annotations in either dialect and an optional person box file, as
    described in :mod:`ftplugin.datasets.formats.ava_annotations_json`. A sample is
    one annotated keyframe: ``imgs`` uint8 (frame_num, H, W, 3), the frames
    ``frame_sample_rate`` apart centred on the keyframe, assembled across
    neighbouring clips as AlphAction does (edge frames repeated at a video's
    first / last clip); ``gt_bboxes`` (n, 4) x1y1x2y2 pixels of the decoded
    frames and ``gt_labels`` (n, K) multi-hot, one row per person; in test
    mode ``proposals`` (m, 4): the box file's detections scored at least
    ``box_score_thr`` (the ground-truth boxes without a box file).
    Training uses the ground-truth boxes, optionally jittered.
    ``dataset[(index, seed)]`` draws the sample's box jitter and
    augmentations from ``seed`` (:class:`SeededSampleMixin`).

    Class ids of any value map to 0..K-1 in ``categories`` order; the map
    is ``metainfo['category_ids']`` (and ``metainfo['classes']`` the names).

    Args:
        ann_file (str): Annotation JSON (relative to ``data_root``).
        pipeline (list): Transforms.
        box_file (str, optional): Person boxes JSON (relative to
            ``data_root``), used in test mode. Defaults to None.
        object_box_file (str, optional): Object boxes in the person box
            file's layout, all scores kept, for the RoI head's interaction
            aggregation: each sample gets ``object_bboxes`` (m, 4) pixels,
            highest score first (move them with the frames by wrapping the
            geometric transforms in ``WithObjectBoxes``; pack them with
            ``meta_keys``). Defaults to None (no objects).
        data_prefix (dict): ``dict(clips='clips')``, relative to
            ``data_root``.
        frame_num (int): Frames per sample. Defaults to 32.
        frame_sample_rate (int): Step between sampled frames. Defaults to 2.
        box_score_thr (float): Detections below are dropped. Defaults to 0.8.
        box_jitter (float): In training, each box edge moves by up to this
            fraction of the box's width / height (AlphAction's box jitter);
            0 disables. Defaults to 0.
        skip_missing (bool): False (default): a keyframe whose clip is
            absent, or a gap inside a video, is an error naming the file.
            True: such keyframes are left out with one warning, and a gap is
            treated as the video's edge.
        category_ids (list[int], optional): Original class ids in index
            order, to check a val file against training. Defaults to the
            file's ``categories``.
        on_implausible (str): Boxes that do not look like ``[x, y, w, h]``
            pixels of their image (normalised to 0-1, ``[x1, y1, x2, y2]``
            corners, outside the image) and clips of another aspect ratio
            than the annotated image are an error naming the file, the
            entry and the likely cause with ``'error'``, a warning with
            ``'warn'``. A ``file_name`` or ``movie`` that leads out of the
            clips folder is always an error. Defaults to ``'error'``.
        test_mode (bool): Passed to :class:`BaseActionDataset`.
        **kwargs: ``data_root`` etc. of :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]] = (),
                 box_file: Optional[str] = None,
                 object_box_file: Optional[str] = None,
                 data_prefix: Optional[dict] = None,
                 frame_num: int = 32,
                 frame_sample_rate: int = 2,
                 box_score_thr: float = 0.8,
                 box_jitter: float = 0.0,
                 skip_missing: bool = False,
                 category_ids: Optional[List[int]] = None,
                 on_implausible: str = 'error',
                 test_mode: bool = False,
                 **kwargs) -> None:
        if frame_num < 1 or frame_sample_rate < 1:
            raise ValueError(f'frame_num and frame_sample_rate must be >= 1, '
                             f'got {frame_num}, {frame_sample_rate}')
        self.box_file = box_file
        self.object_box_file = object_box_file
        self.frame_num = int(frame_num)
        self.frame_sample_rate = int(frame_sample_rate)
        self.box_score_thr = float(box_score_thr)
        self.box_jitter = float(box_jitter)
        self.skip_missing = skip_missing
        self.category_ids = category_ids
        self.on_implausible = check_implausible_mode(on_implausible)
        # videos whose frame size was checked against their annotations
        self._sizes_checked = set()
        self.clip_index: Dict[str, List[int]] = {}
        super().__init__(
            ann_file,
            pipeline=list(pipeline),
            data_prefix=dict(data_prefix or dict(clips='clips')),
            test_mode=test_mode,
            **kwargs)

    def _path(self, path: Optional[str]) -> Optional[str]:
        if path and not osp.isabs(path) and self.data_root:
            return osp.join(self.data_root, path)
        return path

    def load_data_list(self) -> List[dict]:
        """Index the keyframes whose clip is present."""
        clips_dir = self.data_prefix.get('clips')
        if not clips_dir or not osp.isdir(clips_dir):
            raise FileNotFoundError(
                f'{self.ann_file}: clips folder data_prefix["clips"] = '
                f'{clips_dir!r} does not exist')
        ann = load_ava_annotations(self.ann_file, self.category_ids,
                                   root=clips_dir,
                                   on_implausible=self.on_implausible)
        self._metainfo['classes'] = tuple(ann['classes'])
        self._metainfo['category_ids'] = tuple(ann['category_ids'])
        proposals = {}
        box_file = self._path(self.box_file)
        if self.test_mode and box_file:
            proposals = load_person_boxes(
                box_file, [s['image_id'] for s in ann['samples']],
                self.box_score_thr,
                image_sizes={s['image_id']: (s['width'], s['height'])
                             for s in ann['samples']},
                on_implausible=self.on_implausible)
            if not proposals:
                raise ValueError(
                    f'{box_file}: no box with a field "score" at or above '
                    f'box_score_thr={self.box_score_thr} for the images of '
                    f'{self.ann_file}: nothing to score; lower the threshold '
                    f'(--cfg-options test_dataloader.dataset.box_score_thr='
                    f'...) or give the detections of these keyframes')
        objects = {}
        if self.object_box_file:
            objects = load_person_boxes(
                self._path(self.object_box_file),
                [s['image_id'] for s in ann['samples']],
                image_sizes={s['image_id']: (s['width'], s['height'])
                             for s in ann['samples']},
                on_implausible=self.on_implausible)

        data_list, missing = [], []
        for sample in ann['samples']:
            video = sample['video']
            if video not in self.clip_index:
                self.clip_index[video] = list_clips(clips_dir, video)
            if sample['timestamp'] not in self.clip_index[video]:
                missing.append(clip_path(clips_dir, video,
                                         sample['timestamp']))
                continue
            if self.test_mode:
                boxes = proposals.get(sample['image_id'])
                if box_file:
                    sample['proposals'] = (
                        boxes[0] if boxes is not None else np.zeros(
                            (0, 4), np.float32))
                else:
                    sample['proposals'] = sample['gt_bboxes'].copy()
                if not len(sample['proposals']) and not len(
                        sample['gt_bboxes']):
                    continue  # nothing to score, nothing to find
            elif not len(sample['gt_bboxes']):
                continue  # no person to learn from
            if self.object_box_file:
                boxes, scores = objects.get(sample['image_id'], (
                    np.zeros((0, 4), np.float32), np.zeros(0, np.float32)))
                sample['object_bboxes'] = boxes[np.argsort(-scores,
                                                           kind='stable')]
            data_list.append(sample)
        if missing:
            listing = '\n'.join(f'  {p}' for p in missing[:20])
            message = (f'{self.ann_file}: {len(missing)} keyframe(s) have no '
                       f'clip, e.g.:\n{listing}')
            if not self.skip_missing:
                raise FileNotFoundError(
                    message + '\nPass skip_missing=True to leave them out.')
            print_log(message + '\nskip_missing=True: left out.',
                      logger='current', level=logging.WARNING)
        if not data_list:
            raise ValueError(f'{self.ann_file}: no sample left')
        return data_list

    # ------------------------------------------------------------ frames
    def load_frames(self, info: dict) -> np.ndarray:
        """The uint8 (frame_num, H, W, 3) frames of a sample."""
        clips_dir = self.data_prefix['clips']
        video, ts = info['video'], info['timestamp']
        present = self.clip_index.get(video) or list_clips(clips_dir, video)
        first, last = present[0], present[-1]
        if self.skip_missing:
            # a gap counts as the video's edge
            lo = hi = present.index(ts)
            while lo > 0 and present[lo - 1] == present[lo] - 1:
                lo -= 1
            while hi + 1 < len(present) and present[hi + 1] == present[hi] + 1:
                hi += 1
            first, last = present[lo], present[hi]
        cache: Dict[int, np.ndarray] = {}

        def clip(second: int) -> np.ndarray:
            if second not in cache:
                cache[second] = read_clip(clip_path(clips_dir, video, second))
            return cache[second]

        positions = frame_positions(ts, self.frame_num,
                                    self.frame_sample_rate,
                                    lambda s: len(clip(s)), first, last)
        frames = [clip(s)[i] for s, i in positions]
        shapes = {f.shape for f in frames}
        if len(shapes) != 1:
            raise ValueError(f'{clip_path(clips_dir, video, ts)}: the clips '
                             f'around it differ in frame size {shapes}')
        return np.stack(frames)

    def _jitter(self, boxes: np.ndarray, height: int,
                width: int) -> np.ndarray:
        size = np.concatenate([boxes[:, 2:] - boxes[:, :2]] * 2, axis=1)
        shift = np.random.uniform(-self.box_jitter, self.box_jitter,
                                  boxes.shape) * size
        out = boxes + shift.astype(np.float32)
        out[:, 0::2] = out[:, 0::2].clip(0, width - 1)
        out[:, 1::2] = out[:, 1::2].clip(0, height - 1)
        bad = (out[:, 2] <= out[:, 0]) | (out[:, 3] <= out[:, 1])
        out[bad] = boxes[bad]
        return out

    def prepare_data(self, idx: int) -> dict:
        info = self.get_data_info(idx)
        imgs = self.load_frames(info)
        height, width = imgs.shape[1:3]
        if info['video'] not in self._sizes_checked:  # once per video
            self._sizes_checked.add(info['video'])
            check_frame_size(
                f'{self.ann_file}: image {info["image_id"]!r}',
                clip_path(self.data_prefix['clips'], info['video'],
                          info['timestamp']), (height, width),
                (info['width'], info['height']), self.on_implausible)
        # boxes are in keyframe pixels; the clips may be stored at another
        # size
        scale = np.array([width / info['width'], height / info['height']] * 2,
                         dtype=np.float32)
        gt_bboxes = info['gt_bboxes'] * scale
        if not self.test_mode and self.box_jitter > 0:
            gt_bboxes = self._jitter(gt_bboxes, height, width)
        results = dict(
            imgs=imgs, gt_bboxes=gt_bboxes, gt_labels=info['gt_labels'],
            img_shape=(height, width), original_shape=(height, width),
            modality='RGB', num_clips=1, clip_len=self.frame_num,
            video_id=info['video'], timestamp=info['timestamp'],
            img_key=f'{info["video"]},{info["timestamp"]}')
        if self.test_mode:
            results['proposals'] = info['proposals'] * scale
        if 'object_bboxes' in info:
            results['object_bboxes'] = info['object_bboxes'] * scale
        return self.pipeline(results)

    def get_cat_ids(self, idx: int) -> List[int]:
        """Classes present at keyframe ``idx``."""
        labels = self.get_data_info(idx)['gt_labels']
        return sorted(np.flatnonzero(labels.any(0)).tolist())
