"""mmaction2 ``PoseDataset`` annotations of ftplugin's pose files.

One annotation per file and person, as mmaction2's skeleton pipelines
(``UniformSampleFrames``, ``PoseDecode``, ``GenSkeFeat``,
``FormatGCNInput``) and ``PoseDataset`` read them: ``frame_dir`` (the file's
path under the data root, without extension), ``filename``, ``label``,
``total_frames``, ``keypoint`` float32 (1, T, 17, 2) in pixels and
``keypoint_score`` float32 (1, T, 17), COCO-17 joint order. The pose datasets
yield them with ``output='skeleton'``; ``tools/data/kaggle_pose/
convert_to_mmaction_pose.py`` writes them to a ``PoseDataset`` pickle.
"""
import os.path as osp
import pickle
from typing import Dict, Optional, Sequence

import numpy as np

from ..file_split import split_files


def skeleton_annotation(info: Dict, keypoint: np.ndarray, score: np.ndarray,
                        data_root: Optional[str] = None) -> Dict:
    """The annotation of one single-person file.

    Args:
        info (dict): ``filename``, ``label``, ``total_frames`` of the file.
        keypoint (np.ndarray): (T, 17, 2) COCO-17 pixel coordinates.
        score (np.ndarray): (T, 17) joint confidences (0 = missing).
        data_root (str, optional): ``frame_dir`` is the path relative to it.

    Returns:
        dict: The annotation.
    """
    if keypoint.ndim != 3 or keypoint.shape[1:] != (17, 2):
        raise ValueError(f'{info["filename"]}: keypoint has shape '
                         f'{keypoint.shape}, expected (T, 17, 2) in COCO-17 '
                         f'order')
    if score.shape != keypoint.shape[:2]:
        raise ValueError(f'{info["filename"]}: keypoint_score has shape '
                         f'{score.shape}, expected {keypoint.shape[:2]}')
    name = info['filename']
    if data_root:
        name = osp.relpath(name, data_root)
    return dict(
        info,
        frame_dir=osp.splitext(name)[0].replace(osp.sep, '/'),
        keypoint=np.ascontiguousarray(keypoint[None], np.float32),
        keypoint_score=np.ascontiguousarray(score[None], np.float32))


def pose_dataset_pickle(dataset,
                        out_file: str,
                        split_ratios: Sequence[float] = (0.7, 0.2, 0.1),
                        split_seed: int = 42) -> Dict[str, int]:
    """Write a pose dataset's files as an mmaction2 ``PoseDataset`` pickle.

    The pickle is ``dict(split=..., annotations=...)`` with the splits
    ``train``/``val``/``test`` (the files the ftplugin dataset's ``split``
    gives with these ratios and seed) and ``all``, each a list of
    ``filename`` (the key mmaction2's ``PoseDataset`` matches splits on
    when annotations carry one).

    Args:
        dataset (BasePoseDataset): Built with ``output='skeleton'`` and
            ``split='all'``.
        out_file (str): The ``.pkl`` to write.
        split_ratios (Sequence[float]): Train/val/test fractions per class.
        split_seed (int): Seed of the split.

    Returns:
        dict: Files per split.
    """
    if dataset.output != 'skeleton' or dataset.split != 'all':
        raise ValueError("pose_dataset_pickle needs a dataset built with "
                         "output='skeleton' and split='all'")
    annotations = []
    for i in range(len(dataset)):
        annotation = dataset.get_data_info(i)
        annotation.pop('sample_idx', None)  # PoseDataset numbers its own
        annotations.append(annotation)
    kept = {a['filename'] for a in annotations}  # empty files are skipped
    files = dataset.scan_files()
    split = {'all': sorted(kept)}
    for name in ('train', 'val', 'test'):
        split[name] = [f for f, _ in split_files(
            files, name, split_ratios, split_seed) if f in kept]
    with open(out_file, 'wb') as f:
        pickle.dump(dict(split=split, annotations=annotations), f)
    return {name: len(names) for name, names in split.items()}
