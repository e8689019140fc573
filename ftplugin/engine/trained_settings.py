"""A checkpoint is tested on recordings like those it was trained on.

The thermal weights fit a model whatever the frames: a SlowOnly backbone
pools over any frame size, and a clip of 64 frames spans whatever time the
sensor's frame rate makes it. Thermal training runs record the frame size
and the median frame rate of their data in ``meta.dataset_meta``
(``frame_shape``, ``sensor_fps``); testing compares the test recordings with
them. (The config's own settings, clip length, temperature range, test
pipeline, are compared with the training's by
:mod:`ftplugin.apis.input_drift`.)
"""
from typing import List, Mapping, Optional

from mmengine.config import Config


def _test_dataset(cfg) -> Optional[dict]:
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    dataset = (loader or {}).get('dataset')
    while isinstance(dataset, dict) and 'dataset' in dataset:
        dataset = dataset['dataset']  # dataset wrappers
    return dataset if isinstance(dataset, dict) else None


def frame_shape_problems(meta: Optional[Mapping],
                         datasets: Mapping[str, object],
                         checkpoint: str) -> List[str]:
    """Splits whose frames (``metainfo['frame_shape']``, thermal) differ
    in size from the training data's (``meta.dataset_meta.frame_shape``):
    the test pipeline resizes them without a word."""
    trained = ((meta or {}).get('dataset_meta') or {}).get('frame_shape')
    problems = []
    for split, dataset in datasets.items():
        has = (getattr(dataset, 'metainfo', None) or {}).get('frame_shape')
        if not trained or not has or tuple(has) == tuple(trained):
            continue
        where = (getattr(dataset, 'data_prefix', None) or {}).get(
            'hdf5') or getattr(dataset, 'ann_file', split)
        problems.append(
            f'{checkpoint} was trained on frames of {trained[0]} x '
            f'{trained[1]} (H x W, meta.dataset_meta.frame_shape) but the '
            f'recordings in {where} ({split}) hold {has[0]} x {has[1]}' +
            (': height and width swapped (frames are (N, H, W))' if tuple(
                has[::-1]) == tuple(trained) else
             ': frames of another sensor or resolution'))
    return problems


def sensor_fps_problems(meta: Optional[Mapping],
                        datasets: Mapping[str, object],
                        checkpoint: str) -> List[str]:
    """Splits whose recordings' median frame rate
    (``metainfo['sensor_fps']``, thermal) is far from the training data's
    (``meta.dataset_meta.sensor_fps``)."""
    from ..datasets.formats.thermal_hdf5 import fps_problem
    trained = ((meta or {}).get('dataset_meta') or {}).get('sensor_fps')
    problems = []
    for split, dataset in datasets.items():
        where = (getattr(dataset, 'data_prefix', None) or {}).get(
            'hdf5') or split
        problem = fps_problem(
            f'{checkpoint}: the recordings in {where} ({split}, median)',
            (getattr(dataset, 'metainfo', None) or {}).get('sensor_fps'),
            trained)
        if problem:
            problems.append(problem)
    return problems


def check_trained_settings(cfg: Config, meta: Optional[Mapping],
                           checkpoint: str,
                           datasets: Mapping[str, object]) -> None:
    """Each problem of :func:`frame_shape_problems` and
    :func:`sensor_fps_problems` as an implausible value: an error naming the
    opt-out, or with the test dataset's ``on_implausible='warn'`` a
    warning.

    Args:
        cfg (Config): The config in use (its test dataset's
            ``on_implausible``).
        meta (Mapping, optional): The checkpoint's ``meta``.
        checkpoint (str): For messages.
        datasets (Mapping): The built datasets, by split.
    """
    from ..datasets.formats.checks import implausible
    mode = (_test_dataset(cfg) or {}).get('on_implausible', 'error')
    problems = frame_shape_problems(meta, datasets, checkpoint)
    problems += sensor_fps_problems(meta, datasets, checkpoint)
    for problem in problems:
        implausible(problem, mode)
