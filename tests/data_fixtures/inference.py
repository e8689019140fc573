"""Helpers of the inference tests (``tests/test_apis``): a tiny run of a
config (one epoch on generated data, through tools/train.py) with its
``tools/test.py --dump``, and an in-process ONNX export with the sidecar
``tools/deployment/export_onnx.py`` writes."""
import pickle
from pathlib import Path
from typing import List, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
SERIAL = ('num_workers=0', 'persistent_workers=False')


def serial(*splits: str) -> List[str]:
    """Options loading every split in the main process (workers cost more
    than they save on these tiny sets)."""
    return [f'{s}_dataloader.{k}' for s in splits for k in SERIAL]


def train_and_dump(run_tool, config: str, data_root, work: Path,
                   options: Sequence[str] = (), env: dict = None):
    """One epoch of ``config`` on ``data_root``, then tools/test.py --dump
    of its last checkpoint; return ``(checkpoint, dump results)``."""
    run_tool(['tools/train.py', config, '--work-dir', work, '--seed', '0',
              '--data-root', data_root, '--cfg-options',
              'train_cfg.max_epochs=1', *options], env=env)
    ckpt = work / 'epoch_1.pth'
    dump = work / 'dump.pkl'
    run_tool(['tools/test.py', config, ckpt, '--work-dir', work, '--dump',
              dump, '--data-root', data_root] +
             (['--cfg-options', *options] if options else []), env=env)
    with open(dump, 'rb') as f:
        return ckpt, pickle.load(f)


def export_with_sidecar(config: str, checkpoint, out: Path,
                        cfg_options: dict = None) -> Path:
    """What tools/deployment/export_onnx.py writes: ``out`` and
    ``out.json``, in this process."""
    from mmengine.config import Config

    from ftplugin.apis.inference import export_spec, write_sidecar
    from ftplugin.deployment import ExportWrapper, build_model, export_onnx
    cfg = Config.fromfile(str(REPO_ROOT / config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model = build_model(cfg, str(checkpoint))
    export_onnx(ExportWrapper(model).eval(), cfg.onnx_cfg, str(out))
    write_sidecar(str(out), export_spec(cfg, str(checkpoint), model, config))
    return out


def assert_onnx_agrees(model, onnx_file, path: str, **options) -> None:
    """Per window of ``path``, onnxruntime (with the sidecar) gives the
    torch model's labels and its probabilities within 1e-4."""
    import numpy as np

    from ftplugin.apis import inference, init_onnx_model
    (torch_rec, ) = inference(model, path, per_window=True, **options)
    (onnx_rec, ) = inference(init_onnx_model(str(onnx_file)), path,
                             per_window=True, **options)
    assert [w['pred_label'] for w in onnx_rec['windows']] == [
        w['pred_label'] for w in torch_rec['windows']]
    np.testing.assert_allclose(
        [w['probs'] for w in onnx_rec['windows']],
        [w['probs'] for w in torch_rec['windows']], atol=1e-4, rtol=0)
