"""Inference latency: onnxruntime vs torch eager, per exported family.

    python bench/bench_onnx.py [--budget-s 6] [--batches 1 32]
        [--families LSTM thermal_SlowOnly-R18]

Each family's model (its config, random weights: latency does not depend on
their values) is exported by ftplugin's ONNX exporter exactly as
``tools/deployment/export_onnx.py`` does, then run on the same random input
by torch (eager, ``inference_mode``) and by onnxruntime, one intra-op
thread each (no inter-op parallelism), batch 1 and 32, calls alternating
in rounds. The ratio is onnxruntime's latency over torch's.
"""
import argparse
import os
import os.path as osp
import sys
import time

import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from common import (OUT_DIR, REPO, interleaved, load_average,  # noqa: E402
                    ratio_of, record, set_threads, set_unit_statistics)

CONFIGS = {
    'pose autoencoder': 'configs/kaggle_pose/pose_ae_kaggle_finetune.py',
    'LSTM': 'configs/apple_watch/lstm_applewatch_finetune_2stage.py',
    'signal transformer': 'configs/butppg/butppg_5ch_finetune.py',
    'thermal SlowOnly-R18': 'configs/thermal/slowonly_r18_thermal_20e.py',
}


def _session(path: str):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, options,
                                providers=['CPUExecutionProvider'])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--budget-s', type=float, default=6.0,
                        help='about how long each row runs')
    parser.add_argument('--batches', type=int, nargs='+', default=[1, 32],
                        help='batch sizes (the per-sample cost is printed '
                        'too, for a sweep)')
    parser.add_argument('--families', nargs='+',
                        help='names of CONFIGS (spaces as _); default all')
    args = parser.parse_args()
    set_threads(1)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmaction.registry import MODELS
    import ftplugin  # noqa: F401
    from ftplugin.deployment import ExportWrapper, export_onnx, input_shapes
    init_default_scope('mmaction')
    print(f'load: {load_average()}')
    os.makedirs(osp.join(OUT_DIR, 'onnx'), exist_ok=True)
    for name, config in CONFIGS.items():
        if args.families and name.replace(' ', '_') not in args.families:
            continue
        cfg = Config.fromfile(osp.join(REPO, config))
        model = MODELS.build(cfg.model)
        model.init_weights()
        set_unit_statistics(model)
        wrapper = ExportWrapper(model.eval()).eval()
        path = osp.join(OUT_DIR, 'onnx', name.replace(' ', '_') + '.onnx')
        export_onnx(wrapper, cfg.onnx_cfg, path)
        session = _session(path)
        in_names = [i.name for i in session.get_inputs()]
        for batch in args.batches:
            inputs = [torch.randn(batch, *shape[1:])
                      for shape in input_shapes(cfg.onnx_cfg)]
            feed = {n: x.numpy() for n, x in zip(in_names, inputs)}

            def run_torch():
                with torch.inference_mode():
                    wrapper(*inputs)

            def run_ort():
                session.run(None, feed)

            # calls per round: about budget / 6 s per side and round
            start = time.perf_counter()
            run_torch()
            run_ort()
            once = time.perf_counter() - start
            calls = max(1, int(args.budget_s / 6 / max(once / 2, 1e-4)))

            def repeat(fn):
                return lambda: [fn() for _ in range(calls)]

            times = interleaved(dict(ort=repeat(run_ort),
                                     torch=repeat(run_torch)), rounds=3)
            ratio, per_round = ratio_of(times['ort'], times['torch'])
            ms = {k: sum(v) / len(v) / calls * 1e3 for k, v in times.items()}
            record('onnx', f'{name}: onnxruntime / torch latency, batch '
                   f'{batch}', ratio, '<= 0.8',
                   f'{ms["ort"]:.2f} vs {ms["torch"]:.2f} ms ('
                   f'{ms["ort"] / batch:.2f} vs {ms["torch"] / batch:.2f} '
                   f'ms per sample), 1 thread each',
                   per_round)


if __name__ == '__main__':
    main()
