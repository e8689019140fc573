"""Export an ftplugin model to ONNX and check it against PyTorch.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT \
        --output-file model.onnx [--verify] [--atol 1e-4] [--opset 17]

The model config declares ``onnx_cfg`` (input shape, input/output names,
dynamic axes); see :mod:`ftplugin.deployment`. ``--verify`` runs
``onnx.checker`` and compares onnxruntime with PyTorch on random inputs at
several batch sizes and on ``onnx_cfg['verify_shapes']``; the tool exits
with status 1 when they differ by more than ``--atol``.

Beside ``model.onnx`` the tool writes ``model.onnx.json``, the inference
sidecar: family, class names, the test dataset's reading and windowing
settings, the test pipeline, the normalisation and (apple_watch) the training
run's scaler, so that ``tools/infer.py --onnx model.onnx INPUT ...`` reads
and windows new files exactly as the torch model's test set does, with no
config and no checkpoint (``ftplugin.apis.inference_spec``). Configs that
make no predictions on files (pretraining) get no sidecar.
"""
import argparse
import json
import sys

from mmengine.config import DictAction

import ftplugin  # noqa: F401  (compat patches + registrations)
from ftplugin.apis.inference import export_spec, write_sidecar
from ftplugin.deployment import (ExportWrapper, build_model, export_onnx,
                                 input_shapes, verify)
from ftplugin.utils import load_config, run_main


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


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    onnx_cfg = cfg.get('onnx_cfg')
    if onnx_cfg is None:
        sys.exit(f'{args.config} declares no onnx_cfg (input_shape, '
                 f'input_names, output_names, dynamic_axes): its model '
                 f'family has no ONNX export yet')
    model = build_model(cfg, args.checkpoint)
    wrapper = ExportWrapper(model).eval()
    try:
        export_onnx(wrapper, onnx_cfg, args.output_file, args.opset)
    except NotImplementedError as err:  # a model part with no export
        sys.exit(f'{args.config}: {err}')
    print(f'Exported {cfg.model.type} to {args.output_file}')
    try:
        spec = export_spec(cfg, args.checkpoint, model, args.config)
    except ValueError as err:
        print(f'No inference sidecar: {err}')
    else:
        print(f'Inference sidecar: {write_sidecar(args.output_file, spec)}')
    if args.verify:
        result = verify(wrapper, args.output_file, input_shapes(onnx_cfg),
                        onnx_cfg['input_names'], args.verify_batch_sizes,
                        args.atol, onnx_cfg.get('verify_shapes', ()))
        print('onnxruntime vs torch, max |diff|: ' + json.dumps(result))
        if not result['passed']:
            sys.exit(f'ONNX outputs differ from torch by more than '
                     f'{args.atol}')


if __name__ == '__main__':
    run_main(main)
