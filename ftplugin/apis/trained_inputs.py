"""A checkpoint is scored only on inputs of the kind it was trained on.

Weights that fit a model's tensors can still be fed other inputs than they
learnt from: pose windows of another length or normalisation, signal
windows of another length or channel order, the heart rate of the same step
instead of the previous one. The settings that shape a model's input are
compared with those of the config the checkpoint's training run saved in
its meta (``meta['cfg']``, written by every mmengine training); a checkpoint
without one is not checked.
"""
from typing import Iterator, Optional, Tuple

from mmengine.config import Config

from ..checkpoint import CheckpointMismatchError

# test dataset keys that shape the model's input
DATASET_KEYS = ('channels', 'window_length', 'hr_input')
# test pipeline transforms whose arguments shape the model's input (None:
# all of them)
PIPELINE_KEYS = dict(SamplePoseWindows=('clip_len', ),
                     NormalizePoseWindows=None)


def input_settings(spec: dict) -> Iterator[Tuple[str, object]]:
    """``(cfg-options key, value)`` of the input-shaping settings of an
    inference spec (``ftplugin.apis.inference_spec``)."""
    for key in DATASET_KEYS:
        if key in spec['dataset']:
            yield f'test_dataloader.dataset.{key}', spec['dataset'][key]
    for i, transform in enumerate(spec['pipeline']):
        names = PIPELINE_KEYS.get(transform.get('type'), ())
        args = {k: v for k, v in transform.items() if k != 'type'}
        for name in (sorted(args) if names is None else names):
            yield (f'test_dataloader.dataset.pipeline.{i}.{name}',
                   args.get(name))


def check_trained_inputs(cfg: Config, meta: dict, checkpoint: str,
                         config_name: Optional[str] = None) -> None:
    """Refuse ``cfg`` where it feeds the checkpoint's model other inputs
    than its training config did.

    Args:
        cfg (Config): The config the checkpoint is about to be used with.
        meta (dict): The checkpoint's ``meta``.
        checkpoint (str): For the message.
        config_name (str, optional): For the message.
    """
    from .inference import inference_spec
    saved = meta.get('cfg')
    if not isinstance(saved, str):
        return
    try:
        trained = inference_spec(Config.fromstring(saved, '.py'))
        now = inference_spec(cfg)
    except Exception:  # noqa: BLE001 - a config not of these families
        return
    trained_values = dict(input_settings(trained))
    differ = [(key, trained_values[key], value)
              for key, value in input_settings(now)
              if key in trained_values and value != trained_values[key]]
    if differ:
        key, then, given = differ[0]
        option = (','.join(map(str, then)) if isinstance(then, (list, tuple))
                  else then)
        raise CheckpointMismatchError(
            f'{checkpoint} was trained on inputs with {key}={then!r} (its '
            f'training config, saved in the checkpoint), but '
            f'{config_name or "the config"} gives {given!r}'
            + (f' ({len(differ)} such settings: '
               f'{", ".join(d[0] for d in differ)})' if len(differ) > 1
               else '')
            + f': the model would score inputs of another kind than it '
            f'learnt from; use its training config, or --cfg-options '
            f'{key}={option}')
