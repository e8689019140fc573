"""Export a config's model to ONNX and compare onnxruntime with PyTorch.

A family plugs in by declaring ``onnx_cfg`` in its model config (the input
shape, input/output names, dynamic axes and optional ``verify_shapes``) and,
where needed, an ``onnx_outputs`` method on the model (see
:class:`ExportWrapper`).
"""
import warnings
from typing import List, Sequence

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import nn

from ..checkpoint import load_pretrained
from ..utils.atomic_io import atomic_path
from .export_wrapper import ExportWrapper


def build_model(cfg: Config, checkpoint: str) -> nn.Module:
    """Build the config's model and load every tensor of ``checkpoint``
    (any tensor missing or of another shape is an error naming them)."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    from ..apis.input_drift import check_input_drift
    from ..checkpoint import safe_torch_load
    from ..engine.class_set import resolve_auto_from_checkpoint, wants_auto
    loaded = safe_torch_load(checkpoint, map_location='cpu')
    name = getattr(cfg, 'filename', None) or cfg.model.type
    # the sidecar records this config's reading: it must be the training's
    check_input_drift(cfg, (loaded.get('meta') or {}) if isinstance(
        loaded, dict) else {}, checkpoint, name)
    if wants_auto(cfg):  # no data here: the count the training recorded
        for line in resolve_auto_from_checkpoint(cfg, loaded, checkpoint):
            print(line)
    model = MODELS.build(cfg.model)
    load_pretrained(model, checkpoint, complete=True, config=name)
    return model.eval()


def input_shapes(onnx_cfg: dict) -> List[Sequence[int]]:
    """``onnx_cfg['input_shape']`` as a list of shapes, one per input."""
    shapes = onnx_cfg['input_shape']
    return [shapes] if isinstance(shapes[0], int) else list(shapes)


def random_inputs(shapes: Sequence[Sequence[int]],
                  batch_size: int) -> List[torch.Tensor]:
    """One random tensor per input, with ``batch_size`` as first dim."""
    generator = torch.Generator().manual_seed(batch_size)
    return [torch.randn((batch_size, *shape[1:]), generator=generator)
            for shape in shapes]


def export_onnx(wrapper: nn.Module, onnx_cfg: dict, output_file: str,
                opset: int = 17) -> None:
    """Trace ``wrapper`` on random inputs of ``onnx_cfg``'s shapes."""
    shapes = input_shapes(onnx_cfg)
    example = tuple(random_inputs(shapes, shapes[0][0]))
    with warnings.catch_warnings(), atomic_path(output_file) as tmp:
        # the TorchScript exporter is chosen on purpose (see below); the
        # file gets its name only once complete (never a truncated model)
        warnings.simplefilter('ignore', DeprecationWarning)
        torch.onnx.export(
            wrapper, example, tmp,
            # the dynamo exporter (torch >= 2.9 default) needs onnxscript
            dynamo=False,
            input_names=list(onnx_cfg['input_names']),
            output_names=list(onnx_cfg['output_names']),
            dynamic_axes={k: dict(v) for k, v in onnx_cfg.get(
                'dynamic_axes', {}).items()},
            opset_version=opset)


def verify(wrapper: nn.Module, onnx_file: str, shapes, names: Sequence[str],
           batch_sizes: Sequence[int], atol: float,
           extra_shapes: Sequence = ()) -> dict:
    """Compare onnxruntime with PyTorch; return the largest differences.

    Runs each of ``batch_sizes`` with the other dims of ``shapes`` (so the
    dynamic batch axis is exercised), then each entry of ``extra_shapes``
    (full shapes, one per input, or one shape for a single input) as it is.
    ``result['passed']`` says whether every difference is within ``atol``.
    """
    import onnx
    import onnxruntime as ort
    onnx.checker.check_model(onnx.load(onnx_file))
    session = ort.InferenceSession(
        onnx_file, providers=['CPUExecutionProvider'])
    cases = {f'batch_{b}': random_inputs(shapes, b) for b in batch_sizes}
    for case in extra_shapes:
        case = [case] if isinstance(case[0], int) else list(case)
        # random_inputs puts its batch size first: the case's own
        cases['shape_' + '_'.join('x'.join(map(str, s)) for s in case)] = (
            random_inputs(case, case[0][0]))
    result = {}
    for key, inputs in cases.items():
        with torch.no_grad():
            expected = wrapper(*inputs)
        expected = expected if isinstance(expected, tuple) else (expected, )
        got = session.run(None, {n: x.numpy() for n, x in zip(names, inputs)})
        result[key] = max(
            float(np.abs(e.numpy() - g).max()) for e, g in zip(expected, got))
    result['passed'] = all(v <= atol for k, v in result.items())
    return result
