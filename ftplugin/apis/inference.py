"""Predict with a trained model on a family's native files.

    model = init_model(CONFIG, CHECKPOINT)            # torch
    model = init_onnx_model('model.onnx')             # onnxruntime + sidecar
    records = inference(model, ['clip.csv', 'folder/'], per_window=True)
    records = inference([model_a, model_b], files)    # an ensemble

Every family reads its files with the readers of its training dataset and
cuts them into its test set's windows (``ftplugin.apis.predictors``); what
inference needs from the config and the checkpoint (classes, the dataset's
reading settings, the test pipeline, the normalisation, the apple_watch
scaler) is one JSON-able dict, the *inference spec*, which
``tools/deployment/export_onnx.py`` writes beside the ``.onnx`` so that the
ONNX file and its sidecar are all a deployment needs.
"""
import copy
import inspect
import json
import os.path as osp
import sys
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import nn

from ..checkpoint import extract_state_dict, load_pretrained, safe_torch_load
from ..datasets.formats.checks import load_json
from ..utils.atomic_io import atomic_write_json
from .file_pipeline import file_test_pipeline
from .predictors import (INPUT_ERRORS, PREDICTORS, BasePredictor,
                         ModelMismatchError, named_error)

SPEC_FORMAT = 'ftplugin-inference-spec'
SPEC_VERSION = 1
FAMILY_OF_DATASET = dict(
    KagglePoseDataset='kaggle_pose', BUTPPGDataset='butppg',
    AppleWatchDataset='apple_watch', ThermalHDF5Dataset='thermal',
    AVACustomDataset='ava_custom')
# what locates a data set, not how a file is read
LOCATION_KEYS = ('data_root', 'ann_file', 'box_file', 'pipeline', 'test_mode',
                 'split', 'split_ratios', 'split_seed', 'num_folds', 'fold',
                 'max_samples_per_class', 'indices', 'serialize_data',
                 'lazy_init', 'max_refetch', 'filter_cfg', 'metainfo',
                 'in_memory', 'chunk_cache_mb', 'val_fallback')
# which members of an ensemble must agree
INPUT_KEYS = ('family', 'classes', 'dataset', 'pipeline', 'normalize',
              'sample_rate', 'scaler', 'scaler_reference', 'input_features',
              'category_ids')
# compared where both members record them (older checkpoints do not)
RECORDED_INPUT_KEYS = ('frame_shape', )


class CheckpointMismatchError(RuntimeError):
    """A checkpoint whose tensors do not fit the config's model."""


def _plain(value):
    """Config values as plain JSON types (tuples become lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return value.tolist()
    return value


def _keyword_defaults(cls) -> dict:
    """Keyword defaults of a class's ``__init__`` and its bases' (JSON
    types): a dataset's or a transform's."""
    defaults = {}
    for klass in reversed(cls.__mro__):
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        for name, param in inspect.signature(init).parameters.items():
            if (param.default is not inspect.Parameter.empty
                    and (param.default is None or isinstance(
                        param.default, (int, float, str, bool, tuple)))):
                defaults[name] = param.default
    return defaults


def _test_dataset(cfg: Config) -> dict:
    loader = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    if not loader:
        raise ValueError('the config has no test_dataloader or '
                         'val_dataloader: inference reads files as its test '
                         'dataset does')
    dataset = loader['dataset']
    while 'dataset' in dataset:  # dataset wrappers
        dataset = dataset['dataset']
    return dataset


def inference_spec(cfg: Config, dataset_meta: Optional[dict] = None,
                   config_name: Optional[str] = None,
                   checkpoint: Optional[str] = None,
                   state: Optional[dict] = None) -> dict:
    """What inference needs from a config and a checkpoint, JSON-able.

    Args:
        cfg (Config): The model's config.
        dataset_meta (dict, optional): The checkpoint's
            ``meta['dataset_meta']`` (its training data's classes,
            apple_watch scaler, ava category ids).
        config_name (str, optional): For messages.
        checkpoint (str, optional): For messages.
        state (dict, optional): The checkpoint's state dict: butppg's
            training statistics (``channel_stats``), against which inputs
            are checked for another unit or gain.

    Returns:
        dict: ``family``, ``classes``, ``dataset`` (the test dataset's
        reading settings with the class defaults filled in), ``pipeline``
        (the test pipeline), ``normalize`` (the ``ActionDataPreprocessor``'s
        mean/std, or None when the model normalises inside), ``aggregate``
        and ``positive_class`` (how the head aggregates clips), and the
        family's own entries.
    """
    from mmaction.registry import DATASETS
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    dataset = _test_dataset(cfg)
    family = FAMILY_OF_DATASET.get(dataset['type'])
    if family is None:
        raise ValueError(
            f'{config_name or "the config"}: its test dataset is '
            f'{dataset["type"]}; inference reads the files of '
            f'{sorted(FAMILY_OF_DATASET)} (a pretraining config has no '
            f'predictions to make)')
    dataset_cls = DATASETS.get(dataset['type'])
    reading = {k: v for k, v in _keyword_defaults(dataset_cls).items()
               if k not in LOCATION_KEYS}
    reading.update({k: v for k, v in dataset.items()
                    if k not in LOCATION_KEYS})
    meta = dict(dataset_meta or {})
    classes = meta.get('classes') or getattr(dataset_cls, 'METAINFO',
                                             {}).get('classes')
    model = cfg.model
    pre = dict(model.get('data_preprocessor') or {})
    normalize = None
    if pre.get('type') == 'ActionDataPreprocessor':
        normalize = dict(mean=pre.get('mean'), std=pre.get('std'),
                         to_rgb=pre.get('to_rgb', False),
                         format_shape=pre.get('format_shape', 'NCHW'))
    head = dict(model.get('cls_head') or {})
    onnx_cfg = dict(cfg.get('onnx_cfg') or {})
    spec = dict(
        format=SPEC_FORMAT, version=SPEC_VERSION, family=family,
        config=config_name, checkpoint=checkpoint,
        default_scope=cfg.get('default_scope', 'mmaction'),
        model_type=model.get('type'),
        classes=list(classes) if classes else None,
        dataset=reading, pipeline=dataset.get('pipeline') or [],
        normalize=normalize, aggregate=head.get('average_clips'),
        positive_class=head.get('positive_class', 1),
        input_names=onnx_cfg.get('input_names'),
        output_names=onnx_cfg.get('output_names'))
    if family == 'butppg':
        spec['sample_rate'] = getattr(dataset_cls, 'SAMPLE_RATE', None)
        spec['channel_stats'] = channel_statistics(state)
    if family == 'apple_watch':
        spec['input_features'] = model.get('input_features')
        spec['scaler'] = meta.get('scaler')
        spec['scaler_reference'] = meta.get('scaler_reference')
    if family == 'ava_custom':
        spec['category_ids'] = meta.get('category_ids')
        spec['ia'] = bool(head.get('ia'))
    if family == 'thermal' and meta.get('frame_shape'):
        spec['frame_shape'] = meta.get('frame_shape')
    if family == 'thermal' and meta.get('sensor_fps'):
        spec['sensor_fps'] = meta.get('sensor_fps')
    return _plain(spec)


def channel_statistics(state: Optional[dict]) -> Optional[dict]:
    """The per-channel ``mean`` / ``std`` a signal model normalises with
    (``SignalDataPreprocessor``, fitted on the training split), as lists;
    None when the state dict holds none fitted."""
    state = state or {}
    keys = [f'data_preprocessor.{k}' for k in ('mean', 'std', 'fitted')]
    if not all(k in state for k in keys) or not bool(state[keys[2]]):
        return None
    return dict(mean=state[keys[0]].tolist(), std=state[keys[1]].tolist())


def export_spec(cfg: Config, checkpoint: str, model: nn.Module,
                config_name: Optional[str] = None) -> dict:
    """The inference spec of an exported model (its sidecar): the
    config's, the checkpoint's ``dataset_meta`` and the loaded ``model``'s
    statistics."""
    return inference_spec(cfg, checkpoint_meta(checkpoint)[1].get(
        'dataset_meta'), config_name, str(checkpoint), model.state_dict())


def _load_config(config: Union[str, Path, Config],
                 cfg_options: Optional[dict] = None) -> Config:
    if isinstance(config, (str, Path)):
        cfg = Config.fromfile(str(config))
    elif isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        raise TypeError(f'config must be a file name or a Config, got '
                        f'{type(config).__name__}')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def checkpoint_meta(checkpoint: str) -> Tuple[dict, dict]:
    """``(state dict, meta)`` of a checkpoint, read by the allow-listed
    loader."""
    loaded = safe_torch_load(checkpoint, map_location='cpu')
    meta = loaded.get('meta') if isinstance(loaded, dict) else None
    return extract_state_dict(loaded, checkpoint), dict(meta or {})


def init_model(config: Union[str, Path, Config],
               checkpoint: str,
               device: Union[str, torch.device] = 'cpu',
               cfg_options: Optional[dict] = None) -> nn.Module:
    """Build a config's model and load a trained checkpoint into it.

    The checkpoint is read by ftplugin's allow-listed loader
    (``weights_only=True``) and must fit the model exactly (the original
    projects' layouts are mapped as for ``load_from``): a missing tensor, one
    of another shape or one the model lacks is an error naming them with
    their shapes, never a model run with some weights left at random.

    The model is in eval mode on ``device`` and carries ``cfg`` (whose
    ``test_pipeline`` starts from a file where the family has a file loader,
    so mmaction2's ``inference_recognizer(model, path)`` works),
    ``dataset_meta`` (the checkpoint's) and ``inference_spec``.

    Args:
        config (str | Path | Config): The config the checkpoint was trained
            with.
        checkpoint (str): The checkpoint file.
        device (str | torch.device): Defaults to ``'cpu'``.
        cfg_options (dict, optional): Config overrides (``--cfg-options``).
    """
    from mmaction.registry import MODELS
    cfg = _load_config(config, cfg_options)
    name = str(config) if not isinstance(config, Config) else (
        config.filename or 'the config')
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    backbone = cfg.model.get('backbone')
    if isinstance(backbone, dict) and backbone.get('pretrained'):
        # weights come from the checkpoint, not a download
        backbone['pretrained'] = None
    state, meta = checkpoint_meta(checkpoint)
    from .input_drift import check_input_drift
    check_input_drift(cfg, meta, str(checkpoint), name)
    model = MODELS.build(cfg.model)
    report = load_pretrained(model, checkpoint, logger='silent')
    if report.missing or report.shape_skipped or report.unexpected:
        own = model.state_dict()
        lines = [f'  missing from the checkpoint: {k} (model '
                 f'{tuple(own[k].shape)})' for k in report.missing]
        lines += [f'  shape differs: {k}: checkpoint {a} vs model {b}'
                  for k, (a, b) in report.shape_skipped.items()]
        lines += [f'  not in the model: {k}'
                  + (f' {tuple(state[k].shape)}' if k in state else '')
                  for k in report.unexpected]
        shown = lines[:20] + ([f'  ... and {len(lines) - 20} more']
                              if len(lines) > 20 else [])
        raise CheckpointMismatchError(
            f'{checkpoint} does not fit the model of {name} '
            f'({cfg.model.type}): {len(lines)} tensor(s) differ:\n'
            + '\n'.join(shown) + '\nUse the config the checkpoint was '
            'trained with (its work dir holds a copy).')
    model.to(device).eval()
    model.dataset_meta = dict(meta.get('dataset_meta') or {})
    model.inference_spec = inference_spec(
        cfg, model.dataset_meta, name, str(checkpoint), model.state_dict())
    pipeline = file_test_pipeline(model.inference_spec)
    if pipeline is not None:
        cfg.test_pipeline = pipeline
    model.cfg = cfg
    return model


# ------------------------------------------------------------------ sidecar
def sidecar_path(onnx_file: str) -> str:
    """The sidecar of an ``.onnx``: ``<file>.json`` beside it."""
    return str(onnx_file) + '.json'


def file_sha256(path: str) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    import hashlib
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def write_sidecar(onnx_file: str, spec: dict) -> str:
    """Write ``spec`` beside ``onnx_file``, with the ``.onnx``'s SHA-256
    (``onnx_sha256``: a sidecar copied beside another export is refused
    when read); return its path."""
    path = sidecar_path(onnx_file)
    if osp.isfile(onnx_file):
        spec = dict(spec, onnx_sha256=file_sha256(onnx_file))
    atomic_write_json(path, spec, indent=1)
    return path


def read_sidecar(onnx_file: str) -> dict:
    """The inference spec written beside ``onnx_file`` by the export."""
    path = sidecar_path(onnx_file)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: tools/deployment/export_onnx.py writes this '
            f'sidecar beside {onnx_file} (family, classes, normalisation, '
            f'windows, scaler); export again, or copy it with the .onnx')
    spec = load_json(path)
    if not isinstance(spec, dict) or spec.get('format') != SPEC_FORMAT:
        raise ValueError(f'{path}: field "format" is not {SPEC_FORMAT!r}: '
                         f'not an ftplugin inference sidecar')
    if spec.get('version') != SPEC_VERSION:
        raise ValueError(f'{path}: field "version" is '
                         f'{spec.get("version")!r}; this ftplugin reads '
                         f'version {SPEC_VERSION}: export again')
    return spec


def check_sidecar_fits(onnx_file: str, spec: dict, input_shape: list,
                       output_shape: list) -> None:
    """The sidecar must describe the graph beside it (one edited or copied
    from another export read windows of another length, or named the
    classes wrongly): the class count against the output, and for the
    kaggle_pose and butppg graphs the window against the input."""
    def refuse(field, value, what):
        raise ValueError(
            f'{sidecar_path(onnx_file)}: field {field!r} is {value!r}, but '
            f'{onnx_file} {what} (input {input_shape}, output '
            f'{output_shape}): the sidecar does not belong to this .onnx; '
            f'export again')

    family = spec.get('family')
    if family not in ('kaggle_pose', 'butppg'):
        return
    classes = spec.get('classes') or []
    if isinstance(output_shape[-1], int) and classes and len(
            classes) != output_shape[-1]:
        refuse('classes', classes, f'scores {output_shape[-1]} classes')
    data = spec.get('dataset') or {}
    if family == 'butppg' and len(input_shape) == 3:
        for field, value, dim in (('dataset.channels', data.get('channels'),
                                   1),
                                  ('dataset.window_length',
                                   data.get('window_length'), 2)):
            size = len(value) if isinstance(value, list) else value
            if isinstance(input_shape[dim], int) and size != input_shape[dim]:
                refuse(field, value, f'takes {input_shape[dim]} on axis {dim}')
    if family == 'kaggle_pose' and len(input_shape) == 4:
        clip = next((t.get('clip_len') for t in spec.get('pipeline') or []
                     if t.get('type') == 'SamplePoseWindows'), None)
        if isinstance(input_shape[2], int) and clip != input_shape[2]:
            refuse('pipeline SamplePoseWindows.clip_len', clip,
                   f'takes windows of {input_shape[2]} frames')


class OnnxModel:
    """An exported model and its sidecar, run by onnxruntime (no torch
    model is built).

    Args:
        onnx_file (str): The ``.onnx`` (its sidecar beside it).
        threads (int, optional): onnxruntime intra-op threads; None:
            onnxruntime's default.
        optimization (str): Graph optimisation level: ``'all'`` (default),
            ``'extended'``, ``'basic'`` or ``'disable'``.
    """

    def __init__(self, onnx_file: str, threads: Optional[int] = None,
                 optimization: str = 'all') -> None:
        import onnxruntime as ort
        if not osp.isfile(onnx_file):
            raise FileNotFoundError(f'{onnx_file}: ONNX file not found')
        self.inference_spec = read_sidecar(onnx_file)
        self.onnx_file = onnx_file
        options = ort.SessionOptions()
        levels = dict(all=ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
                      extended=ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                      basic=ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
                      disable=ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
        options.graph_optimization_level = levels[optimization]
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        recorded = self.inference_spec.get('onnx_sha256')
        if recorded and recorded != file_sha256(onnx_file):
            raise ModelMismatchError(
                f'{sidecar_path(onnx_file)}: field "onnx_sha256" is not the '
                f'SHA-256 of {onnx_file}: the sidecar was written for another '
                f'export (classes, windows or normalisation may differ); '
                f'export again, or copy the sidecar of this .onnx')
        self.session = ort.InferenceSession(
            onnx_file, options, providers=['CPUExecutionProvider'])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.input_shapes = [i.shape for i in self.session.get_inputs()]
        check_sidecar_fits(onnx_file, self.inference_spec,
                           self.session.get_inputs()[0].shape,
                           self.session.get_outputs()[0].shape)

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        for name, shape, array in zip(self.input_names, self.input_shapes,
                                      arrays):
            fixed = [(i, d) for i, d in enumerate(shape)
                     if isinstance(d, int)]
            if array.ndim != len(shape) or any(
                    array.shape[i] != d for i, d in fixed):
                raise ModelMismatchError(
                    f'{self.onnx_file}: input "{name}" takes shape '
                    f'{tuple(shape)} but the reading and pipeline of '
                    f'{sidecar_path(self.onnx_file)} give {array.shape}: '
                    f'the sidecar does not belong to this export; export '
                    f'again')
        return self.session.run(None, dict(zip(self.input_names,
                                               arrays)))[0]


def init_onnx_model(onnx_file: str, threads: Optional[int] = None,
                    optimization: str = 'all') -> OnnxModel:
    """An exported model for :func:`inference` (see :class:`OnnxModel`)."""
    return OnnxModel(onnx_file, threads, optimization)


class TorchScorer:
    """A torch model's deployment outputs (those it exports to ONNX, see
    ``ftplugin.deployment.ExportWrapper``) on numpy batches."""

    def __init__(self, model: nn.Module) -> None:
        from ..deployment import ExportWrapper
        self.wrapper = ExportWrapper(model).eval()
        self.device = next(model.parameters()).device

    def __call__(self, *arrays: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            out = self.wrapper(*(torch.from_numpy(np.ascontiguousarray(a))
                                 .to(self.device) for a in arrays))
        if isinstance(out, (tuple, list)):
            out = out[0]
        return out.float().cpu().numpy()


# ---------------------------------------------------------------- inference
def _spec_and_scorer(model) -> Tuple[dict, callable]:
    spec = getattr(model, 'inference_spec', None)
    if spec is None:
        raise TypeError('inference needs a model from init_model() or '
                        'init_onnx_model() (it carries the inference spec)')
    return spec, (model if isinstance(model, OnnxModel) else
                  TorchScorer(model))


def check_ensemble(specs: Sequence[dict]) -> None:
    """Members of an ensemble must read and label inputs alike."""
    first = specs[0]
    for i, spec in enumerate(specs[1:], 1):
        differ = [k for k in INPUT_KEYS if json.dumps(
            first.get(k), sort_keys=True) != json.dumps(spec.get(k),
                                                        sort_keys=True)]
        differ += [k for k in RECORDED_INPUT_KEYS
                   if first.get(k) is not None and spec.get(k) is not None
                   and list(first[k]) != list(spec[k])]
        if differ:
            raise ValueError(
                f'ensemble member {i} ({spec.get("checkpoint") or spec.get("config")}) '
                f'differs from member 0 ({first.get("checkpoint") or first.get("config")}) '
                f'in {differ}: members must share classes and inputs '
                f'(e.g. {differ[0]}: {first.get(differ[0])!r} vs '
                f'{spec.get(differ[0])!r})')


def build_predictor(models, batch_size: int = 32, per_window: bool = False,
                    **options) -> BasePredictor:
    """The family predictor of one model or an ensemble (a list)."""
    models = list(models) if isinstance(models, (list, tuple)) else [models]
    if not models:
        raise ValueError('no model given')
    pairs = [_spec_and_scorer(m) for m in models]
    specs = [p[0] for p in pairs]
    check_ensemble(specs)
    spec = specs[0]
    return PREDICTORS[spec['family']](
        spec, [p[1] for p in pairs], batch_size=batch_size,
        per_window=per_window, **options)


def iter_predictions(predictor: BasePredictor, files: Sequence[str],
                     skip_bad: bool = False, progress: bool = False
                     ) -> Iterator[Tuple[str, List[dict], Optional[str]]]:
    """``(file, records, error)`` per input file; a bad file raises an
    :class:`InferenceInputError` naming it, or with ``skip_bad`` gives its
    error message and no records."""
    bar = None
    if progress and files:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(len(files), file=sys.stderr)
    for path in files:
        try:
            records, error = predictor.predict_file(path), None
        except INPUT_ERRORS as err:
            named = named_error(path, err)
            if not skip_bad:
                raise named from err
            records, error = [], str(named)
        if bar is not None:
            bar.update()
        yield path, records, error
    if bar is not None:
        sys.stderr.write('\n')


def inference(model, inputs: Union[str, Sequence[str]],
              per_window: bool = False, batch_size: int = 32,
              skip_bad: bool = False, progress: bool = False,
              **options) -> List[dict]:
    """Predict on a family's native files.

    Args:
        model: A model of :func:`init_model` or :func:`init_onnx_model`, or
            a list of them (an ensemble: the mean of their probabilities;
            their configs must agree on classes and inputs).
        inputs (str | Sequence[str]): Files, or folders searched
            recursively for the family's files.
        per_window (bool): Keep each window's (time step's) results in
            ``record['windows']``.
        batch_size (int): Windows per forward pass.
        skip_bad (bool): Skip unreadable inputs with a warning instead of
            raising.
        progress (bool): A progress bar over files (stderr).
        **options: The family's options (``hop``, ``window``,
            ``sample_rate``, ``boxes``, ...; see ``ftplugin.apis.
            predictors``).

    Returns:
        list[dict]: One record per file (per workout of a ``.pt``, per
        annotated window of a thermal annotation JSON, per person and
        keyframe of ava_custom): classifiers ``file``, ``pred_label``,
        ``pred_class``, ``score``, ``probs``, ``num_windows``; apple_watch
        ``file``, ``steps``, ``mean_pred_hr``, ``mae_bpm``.
    """
    import logging

    from mmengine.logging import print_log
    predictor = build_predictor(model, batch_size, per_window, **options)
    files = predictor.find_files([inputs] if isinstance(inputs, (str, Path))
                                 else inputs)
    records = []
    for _, found, error in iter_predictions(predictor, files, skip_bad,
                                            progress):
        if error:
            print_log(f'skipped: {error}', logger='current',
                      level=logging.WARNING)
        records += found
    return records
