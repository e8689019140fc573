"""Export an ftplugin model to ONNX and check it against PyTorch.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT \
        --output-file model.onnx [--verify] [--atol 1e-4] [--opset 17]

A family plugs in by declaring ``onnx_cfg`` in its model config (the input
shape, input/output names and dynamic axes) and, where the exported outputs
are not ``model(inputs, mode='tensor')``, an ``onnx_outputs(inputs)`` method
on the model (e.g. class probabilities instead of logits). mmaction2's own
recognizers (``Recognizer2D`` / ``Recognizer3D``) need neither: they export
the class scores of ``predict()`` (the head's output averaged over the
crops as ``average_clips`` says) for a (N, crops, ...) input.

``--verify`` runs ``onnx.checker`` and compares onnxruntime with PyTorch on
random inputs at several batch sizes (so the dynamic batch axis is
exercised), and on the full input shapes listed in the optional
``onnx_cfg['verify_shapes']`` (to exercise other dynamic axes, e.g. the
sequence length); the tool exits with status 1 when they differ by more than
``--atol``.
"""
import argparse
import json
import sys
import warnings
from typing import List, Sequence

import numpy as np
import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from torch import nn

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.checkpoint import load_pretrained
from mmaction.models.recognizers import BaseRecognizer
from mmaction.registry import MODELS


class ExportWrapper(nn.Module):
    """Exposes the outputs a model declares for deployment as ``forward``.

    Args:
        model (nn.Module): The task model.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor):
        if hasattr(self.model, 'onnx_outputs'):
            return tuple(self.model.onnx_outputs(*inputs))
        if isinstance(self.model, BaseRecognizer) and self.model.with_cls_head:
            # mmaction2's recognizers: the class scores predict() gives (its
            # mode='tensor' stops at the backbone), from (N, crops, ...) input
            (clips, ) = inputs
            logits, _ = self.model.extract_feat(clips, stage='head')
            return self.model.cls_head.average_clip(
                logits, num_segs=clips.shape[1])
        return self.model(*inputs, mode='tensor')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Export a model to ONNX')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--output-file', required=True, help='ONNX file')
    parser.add_argument('--verify', action='store_true',
                        help='check the model and compare with PyTorch')
    parser.add_argument('--atol', type=float, default=1e-4,
                        help='largest allowed |onnxruntime - torch|')
    parser.add_argument('--opset', type=int, default=17,
                        help='ONNX opset version')
    parser.add_argument('--verify-batch-sizes', type=int, nargs='+',
                        default=[1, 3], help='batch sizes compared')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    return parser.parse_args()


def build_model(cfg: Config, checkpoint: str) -> nn.Module:
    """Build the config's model and load every tensor of ``checkpoint``."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    report = load_pretrained(model, checkpoint)
    if report.missing or report.shape_skipped:
        raise RuntimeError(
            f'{checkpoint} does not fit {cfg.model.type}: missing '
            f'{report.missing}, shape-skipped {list(report.shape_skipped)}')
    return model.eval()


def random_inputs(shapes: Sequence[Sequence[int]],
                  batch_size: int) -> List[torch.Tensor]:
    """One random tensor per input, with ``batch_size`` as first dim."""
    generator = torch.Generator().manual_seed(batch_size)
    return [torch.randn((batch_size, *shape[1:]), generator=generator)
            for shape in shapes]


def verify(wrapper: nn.Module, onnx_file: str, shapes, names: Sequence[str],
           batch_sizes: Sequence[int], atol: float,
           extra_shapes: Sequence = ()) -> dict:
    """Compare onnxruntime with PyTorch; return the largest differences.

    Runs each of ``batch_sizes`` with the other dims of ``shapes``, then
    each entry of ``extra_shapes`` (full shapes, one per input, or one shape
    for a single input) as it is.
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


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    onnx_cfg = cfg.get('onnx_cfg')
    if onnx_cfg is None:
        sys.exit(f'{args.config} declares no onnx_cfg (input_shape, '
                 f'input_names, output_names, dynamic_axes): its model '
                 f'family has no ONNX export yet')
    shapes = onnx_cfg['input_shape']
    shapes = [shapes] if isinstance(shapes[0], int) else list(shapes)
    wrapper = ExportWrapper(build_model(cfg, args.checkpoint)).eval()
    example = tuple(random_inputs(shapes, shapes[0][0]))
    with warnings.catch_warnings():
        # we choose the TorchScript exporter on purpose (see below)
        warnings.simplefilter('ignore', DeprecationWarning)
        torch.onnx.export(
            wrapper, example, args.output_file,
            # the dynamo exporter (torch >= 2.9 default) needs onnxscript
            dynamo=False,
            input_names=list(onnx_cfg['input_names']),
            output_names=list(onnx_cfg['output_names']),
            dynamic_axes={k: dict(v) for k, v in onnx_cfg.get(
                'dynamic_axes', {}).items()},
            opset_version=args.opset)
    print(f'Exported {cfg.model.type} to {args.output_file}')
    if args.verify:
        result = verify(wrapper, args.output_file, shapes,
                        onnx_cfg['input_names'], args.verify_batch_sizes,
                        args.atol, onnx_cfg.get('verify_shapes', ()))
        print('onnxruntime vs torch, max |diff|: ' + json.dumps(result))
        if not result['passed']:
            sys.exit(f'ONNX outputs differ from torch by more than '
                     f'{args.atol}')


if __name__ == '__main__':
    main()
