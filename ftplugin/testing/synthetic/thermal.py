"""A small synthetic thermal action dataset in the real files' format.

The demo and the tests need thermal recordings laid out exactly like
``thermal_action_dataset/`` when the real files are not there. Each
recording is a ceiling-sensor view (40x60 pixels, degrees Celsius, ~6 fps):
a room at 18-23 degrees inside the lens circle, warm furniture, a few dead
pixels (-273.2, as the real sensor marks them) and one warm figure whose
shape follows the action class (tall and narrow when standing, long and
flat when lying, moving when walking, changing shape in transitions...).
It writes::

    <out-dir>/frames/<sensor_id>.h5        frames float32 (N, 40, 60) gzip,
                                           chunks of 64 frames; timestamps
                                           int64 ms; frame_seqs int64;
                                           attributes as the real files
    <out-dir>/frames/sensor_info.json
    <out-dir>/annotations/train.json       COCO-style, random 80/20 split
    <out-dir>/annotations/val.json         within each recording (the
                                           original project's)
    <out-dir>/annotations/class_mapping.json
    <out-dir>/dataset_info.json

The command line is ``tools/data/thermal/generate_thermal_data.py``.
"""
import datetime
import json
import os
import os.path as osp

import numpy as np
from mmengine.utils import ProgressBar

CLASSES = (
    'sitting', 'standing', 'walking', 'lying down-lying with risk',
    'lying down-lying on the bed/couch', 'leaning',
    'transition-normal transition', 'transition-lying with risk transition',
    'transition-lying on the bed transition', 'lower position-other',
    'lower position-kneeling', 'lower position-bending',
    'lower position-crouching', 'other')
# Relative frequency of each class's segments: imbalanced like the real set
# (lying with risk and sitting dominate), but every class occurs.
CLASS_WEIGHTS = np.array(
    [14, 10, 6, 22, 10, 3, 4, 4, 3, 2, 3, 3, 3, 2], dtype=np.float64)
HEIGHT, WIDTH = 40, 60
DEAD_PIXEL = -273.2
MAC = '02:00:1a:62:51:67'
# Figure shape per class: (length, width) in pixels of the body ellipse,
# its angle in degrees, skin temperature, and whether it walks.
POSTURE = {
    0: (7.0, 6.0, 0, 31.5),   # sitting: compact, round
    1: (11.0, 4.0, 90, 32.5),  # standing: tall, narrow
    2: (11.0, 4.0, 90, 32.5),  # walking: standing shape, moving
    3: (15.0, 4.5, 0, 30.5),   # lying with risk: long, on the floor
    4: (15.0, 4.5, 0, 29.0),   # lying on the bed: long, on the warm bed
    5: (11.0, 4.0, 55, 32.0),  # leaning: tilted
    9: (6.0, 5.0, 0, 31.0),    # lower position, other: low, small
    10: (8.0, 5.0, 90, 31.5),  # kneeling: short upright
    11: (10.0, 5.0, 30, 31.5),  # bending: bent over
    12: (5.0, 5.0, 0, 31.5),   # crouching: small ball
    13: (9.0, 7.0, 120, 30.0),  # other
}
# Transitions morph from one posture to another over their segment.
TRANSITIONS = {6: (1, 0), 7: (1, 3), 8: (0, 4)}


def _scene(rng):
    """Static background (degrees C) of one sensor and its bed region."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    base = rng.uniform(18.0, 22.0)
    gradient = rng.uniform(-1.5, 1.5) * (xx / WIDTH - 0.5) + rng.uniform(
        -1.0, 1.0) * (yy / HEIGHT - 0.5)
    scene = base + gradient
    # outside the lens circle the sensor sees its cold housing
    lens = ((xx - WIDTH / 2) / 31.0)**2 + ((yy - HEIGHT / 2) / 24.0)**2 > 1
    scene[lens] = base - 4.0
    bed = (rng.integers(4, 12), rng.integers(30, 42))  # top-left (y, x)
    scene[bed[0]:bed[0] + 9, bed[1]:bed[1] + 16] += 3.0
    for _ in range(rng.integers(1, 3)):  # warm appliances
        y, x = rng.integers(5, HEIGHT - 5), rng.integers(8, WIDTH - 8)
        scene[y - 1:y + 2, x - 1:x + 2] += rng.uniform(8.0, 14.0)
    dead = rng.random((HEIGHT, WIDTH)) < 0.002
    return scene.astype(np.float32), bed, dead


def _ellipse(cy, cx, length, width, angle, temp, background):
    """Add one warm ellipse to ``background`` (soft edges)."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    a = np.deg2rad(angle)
    u = (xx - cx) * np.cos(a) - (yy - cy) * np.sin(a)
    v = (xx - cx) * np.sin(a) + (yy - cy) * np.cos(a)
    r = (u / (length / 2))**2 + (v / (width / 2))**2
    weight = np.clip(1.5 - r, 0.0, 1.0)
    return background + weight * (temp - background)


def _segments(num_frames, rng, min_len=40, max_len=110):
    """[(class, start, end)] covering the recording."""
    probs = CLASS_WEIGHTS / CLASS_WEIGHTS.sum()
    out, start = [], 0
    while start < num_frames:
        end = min(num_frames, start + int(rng.integers(min_len, max_len)))
        if num_frames - end < min_len:
            end = num_frames
        out.append((int(rng.choice(len(CLASSES), p=probs)), start, end))
        start = end
    return out


def _shape(cls, progress):
    """(length, width, angle, temp) of class ``cls`` at ``progress``."""
    if cls in TRANSITIONS:
        a, b = (np.array(POSTURE[c], dtype=np.float64)
                for c in TRANSITIONS[cls])
        return tuple(a + (b - a) * progress)
    return POSTURE[cls]


def render_recording(num_frames, rng):
    """Frames (N, 40, 60) in degrees C, per-frame labels and boxes."""
    scene, bed, dead = _scene(rng)
    frames = np.empty((num_frames, HEIGHT, WIDTH), dtype=np.float32)
    labels = np.empty(num_frames, dtype=np.int64)
    boxes = np.empty((num_frames, 4), dtype=np.float64)
    cy, cx = HEIGHT / 2, WIDTH / 2
    for cls, start, end in _segments(num_frames, rng):
        if cls in (4, 8):  # on (or onto) the bed
            target = (bed[0] + 4.5, bed[1] + 8.0)
        else:
            target = (rng.uniform(12, HEIGHT - 12),
                      rng.uniform(14, WIDTH - 14))
        heading = rng.uniform(0, 2 * np.pi)
        for t in range(start, end):
            progress = (t - start) / max(end - start - 1, 1)
            if cls == 2:  # walking: steady motion, bouncing off the walls
                cy += 0.35 * np.sin(heading)
                cx += 0.5 * np.cos(heading)
                if not (8 < cy < HEIGHT - 8 and 10 < cx < WIDTH - 10):
                    heading += np.pi
                    cy = float(np.clip(cy, 8, HEIGHT - 8))
                    cx = float(np.clip(cx, 10, WIDTH - 10))
            else:  # drift towards the segment's place, fidget
                cy += 0.15 * (target[0] - cy) + rng.normal(0, 0.1)
                cx += 0.15 * (target[1] - cx) + rng.normal(0, 0.1)
            length, width, angle, temp = _shape(cls, progress)
            angle += rng.normal(0, 3)
            frame = _ellipse(cy, cx, length, width, angle, temp, scene)
            head = np.deg2rad(angle)  # a warmer head at one end
            frame = _ellipse(cy - 0.4 * length * np.sin(head),
                             cx + 0.4 * length * np.cos(head), 3.0, 3.0, 0,
                             temp + 1.5, frame)
            frame += rng.normal(0, 0.25, frame.shape).astype(np.float32)
            frame[dead] = DEAD_PIXEL
            frames[t] = frame
            labels[t] = cls
            extent = np.abs([length * np.cos(head), length * np.sin(head)])
            w = (max(extent[0], width) + 2) / WIDTH
            h = (max(extent[1], width) + 2) / HEIGHT
            boxes[t] = (cx / WIDTH, cy / HEIGHT, min(w, 1.0), min(h, 1.0))
    return frames, labels, boxes


def write_hdf5(path, sensor_id, frames, timestamps):
    """One recording in the real files' layout."""
    import h5py
    with h5py.File(path, 'w') as f:
        f.create_dataset('frames', data=frames, compression='gzip',
                         compression_opts=4,
                         chunks=(min(64, len(frames)), HEIGHT, WIDTH))
        f.create_dataset('timestamps', data=timestamps.astype(np.int64))
        f.create_dataset('frame_seqs',
                         data=np.arange(len(frames), dtype=np.int64) + 1000)
        f.attrs.update(
            sensor_id=sensor_id, mac_address=MAC, total_frames=len(frames),
            frame_width=WIDTH, frame_height=HEIGHT, compression='gzip',
            compression_level=4, corrupted_count=0,
            min_timestamp=int(timestamps[0]),
            max_timestamp=int(timestamps[-1]),
            created_at=datetime.datetime.now(
                datetime.timezone.utc).isoformat())


def generate_thermal(out_dir, num_sensors=8, frames_per_sensor=400,
                     keyframe_every=8, val_fraction=0.2, rng=None,
                     verbose=True):
    """Write the dataset; return ``{'train': n, 'val': n, 'sensors': [...]}``.

    Args:
        out_dir (str): The dataset folder (``frames/``, ``annotations/``).
        num_sensors (int): Recordings (one HDF5 file each).
        frames_per_sensor (int): Frames of each recording (+-10 %).
        keyframe_every (int): Frames between annotated keyframes; the
            first keyframe is near the start and the last near the end, so
            some windows run past the recording.
        val_fraction (float): Share of each recording's keyframes in
            ``val.json`` (random within the recording, as the original
            project did).
        rng (np.random.Generator, optional): Randomness.
        verbose (bool): Show a progress bar over the recordings.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    frames_dir = osp.join(out_dir, 'frames')
    ann_dir = osp.join(out_dir, 'annotations')
    os.makedirs(frames_dir, exist_ok=True)
    os.makedirs(ann_dir, exist_ok=True)
    categories = [dict(id=i, name=n) for i, n in enumerate(CLASSES)]
    splits = {s: dict(images=[], annotations=[], categories=categories,
                      info=dict(description='Synthetic thermal action '
                                f'dataset ({s}), ftplugin', version='1.0',
                                year=2025)) for s in ('train', 'val')}
    sensor_info, ann_id = {}, 0
    start_ms = 1761591347312
    bar = ProgressBar(num_sensors) if verbose else None
    for s in range(num_sensors):
        sensor_id = f'SL{90 + s // 3:02d}_R{s % 3 + 1}'
        num = int(frames_per_sensor * rng.uniform(0.9, 1.1))
        frames, labels, boxes = render_recording(num, rng)
        timestamps = start_ms + np.cumsum(rng.integers(140, 180, num))
        start_ms = int(timestamps[-1]) + 60000
        write_hdf5(osp.join(frames_dir, f'{sensor_id}.h5'), sensor_id,
                   frames, timestamps)
        keyframes = np.arange(int(rng.integers(0, 4)), num, keyframe_every)
        is_val = rng.permutation(len(keyframes)) < round(
            val_fraction * len(keyframes))
        for frame_idx, val in zip(keyframes, is_val):
            split = splits['val' if val else 'train']
            image_id = f'{sensor_id}_{int(timestamps[frame_idx])}'
            split['images'].append(dict(
                id=image_id, sensor_id=sensor_id, mac_address=MAC,
                timestamp=int(timestamps[frame_idx]), width=WIDTH,
                height=HEIGHT, frame_idx=int(frame_idx)))
            cls = int(labels[frame_idx])
            split['annotations'].append(dict(
                id=ann_id, image_id=image_id,
                bbox=[float(v) for v in boxes[frame_idx]],
                category_id=cls, category_name=CLASSES[cls], object_id=1,
                attribute_obscured='0%'))
            ann_id += 1
        sensor_info[sensor_id] = dict(
            hdf5_path=f'thermal_action_dataset/frames/{sensor_id}.h5',
            mac_address=MAC, total_frames=num, corrupted_frames=0,
            annotation_count=len(keyframes),
            min_timestamp=int(timestamps[0]),
            max_timestamp=int(timestamps[-1]))
        if bar:
            bar.update()
    for split, data in splits.items():
        with open(osp.join(ann_dir, f'{split}.json'), 'w') as f:
            json.dump(data, f)
    with open(osp.join(ann_dir, 'class_mapping.json'), 'w') as f:
        json.dump(dict(classes=list(CLASSES),
                       class_to_id={c: i for i, c in enumerate(CLASSES)}),
                  f, indent=2)
    with open(osp.join(frames_dir, 'sensor_info.json'), 'w') as f:
        json.dump(sensor_info, f, indent=2)
    summary = dict(train=len(splits['train']['images']),
                   val=len(splits['val']['images']),
                   sensors=sorted(sensor_info))
    with open(osp.join(out_dir, 'dataset_info.json'), 'w') as f:
        json.dump(dict(
            generator='tools/data/thermal/generate_thermal_data.py',
            **summary), f, indent=2)
    return summary
