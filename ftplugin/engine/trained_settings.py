"""A checkpoint is tested or used for inference with the clips it was
trained on.

The video families' weights fit a model whatever the clip: a SlowOnly
backbone pools over any number of frames and any frame size, so a test or
an inference with another ``clip_len``, temperature range or test pipeline
than the training run's (a ``--cfg-options`` override, a config edited
since) loads every tensor and gives numbers for inputs the model never saw.
mmengine saves the training run's config in the checkpoint
(``meta['cfg']``); :func:`trained_settings_problems` compares its test
dataset's clip settings and test pipeline with the config in use, for the
families listed in :data:`CLIP_KEYS`.
"""
import json
from typing import List, Mapping, Optional

from mmengine.config import Config

# the test dataset's settings that decide what a clip holds, per dataset
CLIP_KEYS = dict(
    ThermalHDF5Dataset=('clip_len', 'temp_range'),
    AVACustomDataset=('frame_num', 'frame_sample_rate'))


def _test_dataset(cfg) -> Optional[dict]:
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    dataset = (loader or {}).get('dataset')
    while isinstance(dataset, dict) and 'dataset' in dataset:
        dataset = dataset['dataset']  # dataset wrappers
    return dataset if isinstance(dataset, dict) else None


def _plain(value) -> str:
    """A config value as canonical JSON (tuples and lists alike)."""
    return json.dumps(value, sort_keys=True, default=str)


def trained_settings_problems(cfg: Config, meta: Optional[Mapping],
                              checkpoint: str,
                              config_name: Optional[str] = None
                              ) -> List[str]:
    """Where ``cfg``'s test clips differ from those ``checkpoint`` was
    trained and validated with.

    Args:
        cfg (Config): The config in use (overrides applied).
        meta (Mapping, optional): The checkpoint's ``meta``; without a
            saved ``cfg`` (a checkpoint saved outside a training run)
            nothing is checked.
        checkpoint (str): For messages.
        config_name (str, optional): For messages.

    Returns:
        list[str]: One sentence per differing setting.
    """
    text = (meta or {}).get('cfg')
    now = _test_dataset(cfg)
    if not isinstance(text, str) or now is None or now.get(
            'type') not in CLIP_KEYS:
        return []
    try:
        trained_cfg = Config.fromstring(text, '.py')
    except Exception:  # a config mmengine cannot parse back: unchecked
        return []
    then = _test_dataset(trained_cfg)
    if then is None or then.get('type') != now.get('type'):
        return []
    name = config_name or getattr(cfg, 'filename', None) or 'the config'
    problems = []
    for key in CLIP_KEYS[now['type']]:
        if key in now and key in then and _plain(now[key]) != _plain(
                then[key]):
            problems.append(
                f'{name}: test_dataloader.dataset.{key} is {now[key]!r} but '
                f'{checkpoint} was trained with {then[key]!r} (its '
                f'meta.cfg): its clips would differ from those the model '
                f'learnt; pass --cfg-options test_dataloader.dataset.{key}='
                f'{then[key]!r}')
    pipelines = [_plain(d.get('pipeline') or []) for d in (now, then)]
    if pipelines[0] != pipelines[1]:
        problems.append(
            f'{name}: the test pipeline differs from the one {checkpoint} '
            f'was validated with (its meta.cfg): {now.get("pipeline")} vs '
            f'{then.get("pipeline")}; use the config the checkpoint was '
            f'trained with (its work dir holds a copy)')
    return problems


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
                           config_name: Optional[str] = None,
                           datasets: Optional[Mapping] = None) -> None:
    """Each problem of :func:`trained_settings_problems` (and, given the
    built ``datasets``, of :func:`frame_shape_problems`) as an implausible
    value: an error naming the opt-out, or with the test dataset's
    ``on_implausible='warn'`` a warning."""
    from ..datasets.formats.checks import implausible
    mode = (_test_dataset(cfg) or {}).get('on_implausible', 'error')
    problems = trained_settings_problems(cfg, meta, checkpoint, config_name)
    problems += frame_shape_problems(meta, datasets or {}, checkpoint)
    problems += sensor_fps_problems(meta, datasets or {}, checkpoint)
    for problem in problems:
        implausible(problem, mode)
