"""thermal: ``.h5`` recordings scored over sliding windows, or the windows
an annotation JSON names."""
import logging
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.logging import print_log

from ...datasets.formats.checks import implausible
from ...datasets.formats.thermal_coco_json import (load_class_mapping,
                                                   load_thermal_coco)
from ...datasets.formats.thermal_hdf5 import (check_keyframe_times,
                                              clip_bounds, clip_results,
                                              fps_problem, frame_rate,
                                              pad_clip,
                                              read_rendered_recording)
from .base import BasePredictor, InferenceInputError, ModelMismatchError
from .pipeline import TestPipeline

DEFAULT_HOP = 16


def check_timestamps(path: str, stamps: Optional[np.ndarray],
                     num_frames: int) -> None:
    """A recording's ``timestamps`` (ms) must give one strictly increasing
    time per frame: the windows' ``time_s`` and ``sensor_fps`` are read
    from them."""
    if stamps is None:
        return
    if stamps.ndim != 1 or len(stamps) != num_frames:
        raise InferenceInputError(
            f'{path}: dataset "timestamps" has shape {stamps.shape} but '
            f'"frames" holds {num_frames} frames: one time (ms) per frame '
            f'expected; re-export the recording or drop "timestamps"')
    steps = np.diff(stamps)
    if len(steps) and steps.min() <= 0:
        i = int(np.argmax(steps <= 0))
        raise InferenceInputError(
            f'{path}: dataset "timestamps" is not strictly increasing '
            f'(frame {i + 1}: {int(stamps[i + 1])} ms after {int(stamps[i])}'
            f' ms): frames out of order or repeated; re-export the '
            f'recording sorted by time, without repeated frames')


class ThermalPredictor(BasePredictor):
    """Action probabilities of thermal recordings.

    - An ``.h5`` recording (``frames`` (N, H, W) in degrees Celsius) is
      scored over sliding windows of ``window`` frames (default: the
      config's ``clip_len``) every ``hop`` frames (default 16), plus one
      ending at the last frame, each window
      cut, rendered and fed through the config's test pipeline exactly as
      the training dataset does for a clip centred on its middle frame
      (edge frames repeated past the recording's end). The recording's
      probabilities are the mean of its windows'. Window ``start`` / ``end``
      are frames (``end`` one past the last), ``time_s`` the window centre
      in seconds from the first frame (``timestamps``, when present).
    - An annotation JSON (COCO-style, the dataset's format): one record per
      annotated image, the clip around its ``frame_idx`` as in training,
      with its ``gt_label``. Recordings are looked up in ``frames_dir``
      (default ``<json folder>/../frames``, the dataset's layout).

    Options:
        window (int): Frames per window of a recording.
        hop (int): Frames between windows. Defaults to 16.
        frames_dir (str): Recordings of an annotation JSON.
        class_mapping (str): ``class_mapping.json`` with the class names,
            for checkpoints that do not carry them.
    """
    extensions = ('.h5', '.hdf5', '.json')
    # a folder holds recordings; annotation JSONs are named one by one
    folder_extensions = ('.h5', '.hdf5')
    window_unit = 'frame'

    @classmethod
    def option_names(cls):
        return ('window', 'hop', 'frames_dir', 'class_mapping')

    def __init__(self, spec: dict, scorers, **kwargs) -> None:
        super().__init__(spec, scorers, **kwargs)
        self.pipeline = TestPipeline(spec)
        mapping = self.options.get('class_mapping')
        if mapping:
            classes = load_class_mapping(mapping)
            if spec.get('classes') and list(spec['classes']) != classes:
                raise ModelMismatchError(
                    f'{mapping}: field "classes" ({len(classes)}: '
                    f'{", ".join(classes[:4])}, ...) differs from the classes '
                    f'{spec.get("checkpoint") or "the model"} was trained on '
                    f'({len(spec["classes"])}: '
                    f'{", ".join(spec["classes"][:4])}, ...): its scores '
                    f'would be named by another class; leave out '
                    f'class_mapping (--class-mapping) to use the '
                    f'checkpoint\'s')
            self.spec = dict(spec, classes=classes, class_source=mapping)
        elif not spec.get('classes'):
            raise InferenceInputError(
                f'{spec.get("checkpoint") or "the model"} carries no class '
                f'names (a checkpoint saved outside a training run?): give '
                f'the class_mapping.json of its training data '
                f'(class_mapping=..., tools/infer.py --class-mapping)')

    @property
    def temp_range(self) -> Tuple[float, float]:
        return tuple(self.spec['dataset'].get('temp_range', (5.0, 45.0)))

    def read_recording(self, path: str
                       ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """The whole recording rendered as uint8 (N, H, W, 3) and its
        ``timestamps`` in ms (None if absent), checked as training checks
        it (Kelvin or centi-degrees would saturate every pixel and still
        give probabilities)."""
        frames, stamps = read_rendered_recording(
            path, self.temp_range,
            self.spec['dataset'].get('on_implausible', 'error'))
        check_timestamps(path, stamps, len(frames))
        problem = fps_problem(path, frame_rate(stamps),
                              self.spec.get('sensor_fps'))
        if problem:
            implausible(problem,
                        self.spec['dataset'].get('on_implausible', 'error'))
        trained = self.spec.get('frame_shape')
        if trained and tuple(frames.shape[1:3]) != tuple(trained):
            # the test pipeline resizes any frame to the model's input:
            # another sensor, or (W, H) stored as (H, W), is distorted
            implausible(
                f'{path}: dataset "frames" holds {frames.shape[1]} x '
                f'{frames.shape[2]} (H x W) frames but '
                f'{self.spec.get("checkpoint") or "the model"} was trained on'
                f' {trained[0]} x {trained[1]} (meta.dataset_meta.'
                f'frame_shape)' + (': height and width swapped (frames are '
                                   '(N, H, W))' if tuple(
                    frames.shape[2:0:-1]) == tuple(trained) else
                    ': frames of another sensor or resolution'),
                self.spec['dataset'].get('on_implausible', 'error'))
        return frames, stamps

    def clip_inputs(self, recording: np.ndarray, centres: List[int],
                    clip_len: int) -> np.ndarray:
        """Model inputs of the clips centred on ``centres``."""
        data = self.spec['dataset']
        clips = []
        for centre in centres:
            start, end, lo, hi = clip_bounds(centre, clip_len,
                                             len(recording))
            clip = pad_clip(recording[lo:hi].copy(), start, end, lo, hi)
            # what BaseActionDataset adds to every sample
            info = dict(clip_results(clip), modality=data['modality'],
                        start_index=data['start_index'])
            clips.append(self.pipeline(info))
        return self.pipeline.normalize(np.stack(clips))

    def predict_file(self, path: str) -> List[dict]:
        if self.check_extension(path) == '.json':
            return self.predict_annotations(path)
        recording, stamps = self.read_recording(path)
        clip_len = int(self.spec['dataset'].get('clip_len', 64))
        window = int(self.options.get('window') or clip_len)
        hop = int(self.options.get('hop') or DEFAULT_HOP)
        if window < 1 or hop < 1:
            raise InferenceInputError(f'window and hop must be >= 1 frame, '
                                      f'got {window}, {hop}')
        total = len(recording)
        if total < window:
            implausible(
                f'{path}: dataset "frames" holds {total} frame(s), fewer '
                f'than one window of {window}: the window would be filled '
                f'by repeating the edge frames; pass a shorter window '
                f'(window=..., tools/infer.py --window N)',
                self.spec['dataset'].get('on_implausible', 'error'))
        starts = list(range(0, max(total - window, 0) + 1, hop))
        if starts[-1] + window < total:
            starts.append(total - window)  # the recording's last frames too
        probs = self.score(self.clip_inputs(
            recording, [s + window // 2 for s in starts], window))
        spans = []
        for i, s in enumerate(starts):
            span = dict(window=i, start=s, end=min(s + window, total))
            if stamps is not None and len(stamps) == total:
                centre = min(s + window // 2, total - 1)
                span['time_s'] = float(stamps[centre] - stamps[0]) / 1000.0
            spans.append(span)
        extra = dict(num_frames=total)
        if stamps is not None and len(stamps) > 1 and stamps[-1] > stamps[0]:
            extra['sensor_fps'] = float(
                (len(stamps) - 1) / (stamps[-1] - stamps[0]) * 1000.0)
        return [self.class_record(path, probs, spans, **extra)]

    def predict_annotations(self, path: str) -> List[dict]:
        """One record per annotated image of an annotation JSON."""
        coco = load_thermal_coco(path, self.classes or None)
        frames_dir = self.options.get('frames_dir') or osp.join(
            osp.dirname(osp.dirname(osp.abspath(path))), 'frames')
        clip_len = int(self.spec['dataset'].get('clip_len', 64))
        recordings: Dict[str, np.ndarray] = {}
        stamps: Dict[str, np.ndarray] = {}
        samples, missing = [], set()
        for sample in coco['samples']:
            h5 = osp.join(frames_dir, f'{sample["sensor_id"]}.h5')
            if not osp.isfile(h5):
                missing.add(h5)
                continue
            if h5 not in recordings:
                recordings[h5], times = self.read_recording(h5)
                if times is not None:
                    stamps[h5] = times
            if sample['frame_idx'] >= len(recordings[h5]):
                raise InferenceInputError(
                    f'{path}: image {sample["image_id"]!r} field "frame_idx"'
                    f' = {sample["frame_idx"]} is past the end of {h5} '
                    f'({len(recordings[h5])} frames)')
            samples.append((h5, sample))
        check_keyframe_times(
            path, [dict(s, filename=h5) for h5, s in samples], stamps,
            self.spec['dataset'].get('on_implausible', 'error'))
        if missing:
            message = (f'{path}: {len(missing)} recording(s) it names are '
                       f'missing in {frames_dir}: {sorted(missing)}')
            if not self.spec['dataset'].get('skip_missing', False):
                raise InferenceInputError(
                    message + ' (frames_dir / --frames-dir says where they '
                    'are)')
            print_log(message + " -- their images are left out (the "
                      "config's skip_missing=True)", logger='current',
                      level=logging.WARNING)
        records = []
        for i in range(0, len(samples), self.batch_size):
            chunk = samples[i:i + self.batch_size]
            probs = self.score(np.concatenate([
                self.clip_inputs(recordings[h5], [s['frame_idx']], clip_len)
                for h5, s in chunk]))
            for j, (h5, sample) in enumerate(chunk):
                label = sample['label']
                records.append(self.class_record(
                    h5, [p[j:j + 1] for p in probs], [dict(window=0)],
                    image_id=sample['image_id'],
                    frame_idx=sample['frame_idx'], gt_label=label,
                    gt_class=coco['classes'][label]))
        return records
