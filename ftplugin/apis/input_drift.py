"""Does a config read data as the run that trained its checkpoint did?

A checkpoint's tensors can fit a config whose data settings differ from
those it was trained with: a thermal model trained on 32-frame clips scored
on 64-frame ones, a pose window of another length, another normalisation,
the signal channels in another order. The model then produces numbers,
silently wrong. mmengine writes the training's merged config into every
checkpoint (``meta['cfg']``); testing, inference and the ONNX export
compare the settings the weights depend on with the config they were given
and refuse a difference, naming each setting with both values.
"""
from typing import Dict, List, Optional, Tuple

from mmengine.config import Config

from ..checkpoint import CheckpointMismatchError

# dataset arguments the weights depend on (what they were trained to read)
DATASET_KEYS = ('clip_len', 'window_length', 'channels', 'hr_input',
                'temp_range', 'frame_num', 'frame_sample_rate')
# test-pipeline transform arguments the weights depend on (the number of
# clips or windows, crops for multi-view testing are choices of the test)
PIPELINE_KEYS = dict(
    SampleFrames=('clip_len', 'frame_interval'),
    SamplePoseWindows=('clip_len', ),
    NormalizePoseWindows=('torso_ratio', ),
    Resize=('scale', 'keep_ratio'))
ALLOW_KEY = 'load_cfg.allow_input_drift'


class InputDriftError(CheckpointMismatchError):
    """A config reads data otherwise than the training of its checkpoint."""


def training_config(meta: dict) -> Optional[Config]:
    """The merged config mmengine saved with a checkpoint, or None (a
    checkpoint of another project, or one saved outside a training run)."""
    text = (meta or {}).get('cfg')
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return Config.fromstring(text, '.py')
    except Exception:  # an unparsable dump holds nothing to compare
        return None


def input_settings(cfg: Config) -> Dict[str, Tuple[str, object]]:
    """The settings of ``cfg`` the weights depend on: ``{setting: (its
    --cfg-options key, value)}``; empty for a config without predictions
    (pretraining). Transforms are matched by type and occurrence, so that
    pipelines of other lengths compare what they share."""
    from mmaction.registry import TRANSFORMS

    from .inference import _keyword_defaults, _plain, inference_spec
    try:
        spec = inference_spec(cfg)
    except (ValueError, KeyError):
        return {}
    out = {}
    for key in DATASET_KEYS:
        if key in spec['dataset']:
            path = f'test_dataloader.dataset.{key}'
            out[path] = (path, spec['dataset'][key])
    if spec.get('normalize'):
        for key in ('mean', 'std'):
            path = f'model.data_preprocessor.{key}'
            out[path] = (path, spec['normalize'][key])
    if spec.get('input_features') is not None:
        out['model.input_features'] = ('model.input_features',
                                       spec['input_features'])
    seen: Dict[str, int] = {}
    for i, transform in enumerate(spec.get('pipeline') or []):
        name = transform.get('type')
        if name not in PIPELINE_KEYS:
            continue
        seen[name] = seen.get(name, 0) + 1
        transform_cls = TRANSFORMS.get(name)
        defaults = _keyword_defaults(transform_cls) if transform_cls else {}
        for key in PIPELINE_KEYS[name]:
            if key in transform or key in defaults:
                out[f'{name}#{seen[name]}.{key}'] = (
                    f'test_dataloader.dataset.pipeline.{i}.{key}',
                    _plain(transform.get(key, defaults.get(key))))
    return out


def input_differences(cfg: Config, trained: Config) -> List[Tuple[str,
                                                                  object,
                                                                  object]]:
    """``(--cfg-options key, trained value, given value)`` for every
    setting that differs."""
    ours, theirs = input_settings(cfg), input_settings(trained)
    return [(ours[k][0], theirs[k][1], ours[k][1])
            for k in sorted(set(ours) & set(theirs))
            if ours[k][1] != theirs[k][1]]


def check_input_drift(cfg: Config, meta: dict, checkpoint: str,
                      config_name: Optional[str] = None) -> None:
    """Refuse to evaluate ``checkpoint`` with a config that reads data
    otherwise than its training did.

    Args:
        cfg (Config): The config the tool was given (with its options).
        meta (dict): The checkpoint's ``meta``.
        checkpoint (str): Its path, for the error.
        config_name (str, optional): The config, for the error.

    Raises:
        InputDriftError: A setting differs and ``load_cfg.allow_input_drift``
            is not set.
    """
    if (cfg.get('load_cfg') or {}).get('allow_input_drift'):
        return
    trained = training_config(meta)
    if trained is None:
        return
    differences = input_differences(cfg, trained)
    if differences:
        listed = '; '.join(f'{key}: trained {was!r}, now {now!r}'
                           for key, was, now in differences)
        restore = ' '.join(f'{key}={_option(was)}'
                           for key, was, _ in differences)
        raise InputDriftError(
            f'{checkpoint} was trained reading its data otherwise than '
            f'{config_name or "the config"} would: {listed}. Use the config '
            f'it was trained with (its work dir holds a copy) or restore '
            f'them (--cfg-options {restore}); to evaluate it this way on '
            f'purpose, pass --cfg-options {ALLOW_KEY}=True')


def _option(value) -> str:
    """A value as ``--cfg-options`` parses it back."""
    if isinstance(value, (list, tuple)):
        return '[' + ','.join(_option(v) for v in value) + ']'
    return repr(value) if isinstance(value, str) and ' ' in value else str(
        value)
