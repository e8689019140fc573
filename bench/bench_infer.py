"""Inference speed: tools/infer.py (torch, onnxruntime) against the
tools/test.py path on the same files, and thermal sliding windows against
real time.

    python bench/bench_infer.py [--files 200] [--rounds 3]

Kaggle rows: the default fine-tuning config (5 windows of 64 frames per
file) with freshly initialised weights saved as a checkpoint (speed does not
depend on their values), on ``--files`` keypoint CSVs (half per class; the
shared real files where ``../shared/data`` holds them). Each side runs in
this process, end to end from the checkpoint to the predictions:
``init_model`` + ``inference`` (tools/infer.py's torch path),
``init_onnx_model`` + ``inference`` on the exported file and its sidecar
(``--onnx``), and a ``FineTuneRunner``'s ``test()`` with the test
dataloader on the same folder (tools/test.py: dataset build, dataloader,
model, metric). Sides alternate round by round, one thread each; the ratio
is files/s of the side over files/s of infer.py's torch path.

Thermal rows: one whole recording (the first shared one, else a generated
one) scored over sliding windows of 64 frames every 16 (tools/infer.py's
default for the CPU SlowOnly-R18 config), torch and onnxruntime, one thread
each; the ratio is frames scored per second over the sensor's frames per
second (from the recording's timestamps): above 1 keeps up with the sensor.
"""
import argparse
import glob
import os
import os.path as osp
import shutil
import sys
import time

import numpy as np
import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from common import (OUT_DIR, REPO, data_source, interleaved,  # noqa: E402
                    kaggle_root, load_average, ratio_of, record,
                    set_threads, thermal_root)

KAGGLE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
THERMAL_CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'


def random_checkpoint(config: str, path: str, classes) -> str:
    """The config's model with fresh weights, saved as a training run's
    checkpoint (state dict + dataset meta)."""
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO, config))
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict(),
                    meta=dict(dataset_meta=dict(classes=tuple(classes)))),
               path)
    return path


def export(config: str, checkpoint: str, out: str) -> str:
    """tools/deployment/export_onnx.py's export + sidecar, in process."""
    from mmengine.config import Config

    from ftplugin.apis.inference import (checkpoint_meta, inference_spec,
                                         write_sidecar)
    from ftplugin.deployment import ExportWrapper, build_model, export_onnx
    cfg = Config.fromfile(osp.join(REPO, config))
    wrapper = ExportWrapper(build_model(cfg, checkpoint)).eval()
    export_onnx(wrapper, cfg.onnx_cfg, out)
    write_sidecar(out, inference_spec(
        cfg, checkpoint_meta(checkpoint)[1].get('dataset_meta'), config,
        checkpoint))
    return out


def kaggle_folder(num_files: int) -> str:
    """The first ``num_files / 2`` CSVs of each class, linked into one
    dataset folder (both sides read the same files)."""
    src = kaggle_root()
    out = osp.join(OUT_DIR, 'infer_kaggle')
    shutil.rmtree(out, ignore_errors=True)
    for name in ('Fall', 'No_Fall'):
        folder = osp.join(out, name, 'Keypoints_CSV')
        os.makedirs(folder)
        for path in sorted(glob.glob(osp.join(src, name, 'Keypoints_CSV',
                                              '*.csv')))[:num_files // 2]:
            os.symlink(path, osp.join(folder, osp.basename(path)))
    return out


def test_path(checkpoint: str, folder: str):
    """tools/test.py's work: a runner of the config tested on ``folder``."""
    from mmengine.config import Config

    from ftplugin.utils import build_runner
    cfg = Config.fromfile(osp.join(REPO, KAGGLE_CFG))
    cfg.test_dataloader.dataset.update(data_root=folder, split='all')
    cfg.work_dir = osp.join(OUT_DIR, 'infer_test_path')
    cfg.load_from = checkpoint
    cfg.launcher = 'none'
    cfg.log_level = 'WARNING'
    cfg.default_hooks.history = None
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]
    cfg.env_cfg.torch_num_threads = 1
    return build_runner(cfg).test()


def kaggle_rows(args) -> None:
    from ftplugin.apis import inference, init_model, init_onnx_model
    folder = kaggle_folder(args.files)
    files = sorted(glob.glob(osp.join(folder, '*', '*', '*.csv')))
    ckpt = random_checkpoint(KAGGLE_CFG, osp.join(OUT_DIR, 'infer_pose.pth'),
                             ('No_Fall', 'Fall'))
    onnx_file = export(KAGGLE_CFG, ckpt, osp.join(OUT_DIR, 'infer_pose.onnx'))
    config = osp.join(REPO, KAGGLE_CFG)

    def infer_torch():
        inference(init_model(config, ckpt), folder)

    def infer_onnx():
        inference(init_onnx_model(onnx_file, threads=1), folder)

    def test_tool():
        test_path(ckpt, folder)

    times = interleaved(dict(torch=infer_torch, onnx=infer_onnx,
                             test=test_tool), rounds=args.rounds)
    rate = {k: len(files) * len(v) / sum(v) for k, v in times.items()}
    source = data_source(kaggle_root())
    for side, name in (('onnx', 'tools/infer.py --onnx'),
                       ('test', 'tools/test.py path')):
        ratio, per_round = ratio_of(times['torch'], times[side])
        record('infer', f'Kaggle files/s, {name} / tools/infer.py torch',
               ratio, '',
               f'{rate[side]:.1f} vs {rate["torch"]:.1f} files/s, '
               f'{len(files)} files x 5 windows, {source}', per_round)


def thermal_rows(args) -> None:
    import h5py

    from ftplugin.apis import inference, init_model, init_onnx_model
    root = thermal_root()
    path = sorted(glob.glob(osp.join(root, 'frames', '*.h5')))[0]
    with h5py.File(path, 'r') as f:
        stamps = np.asarray(f['timestamps'], dtype=np.float64)
    frames = len(stamps)
    sensor_fps = (frames - 1) / ((stamps[-1] - stamps[0]) / 1000.0)
    ckpt = random_checkpoint(
        THERMAL_CFG, osp.join(OUT_DIR, 'infer_thermal.pth'),
        [f'class_{i}' for i in range(14)])
    onnx_file = export(THERMAL_CFG, ckpt,
                       osp.join(OUT_DIR, 'infer_thermal.onnx'))
    models = dict(torch=init_model(osp.join(REPO, THERMAL_CFG), ckpt),
                  onnx=init_onnx_model(onnx_file, threads=1))
    windows = {}

    def score(side):
        def run():
            (rec, ) = inference(models[side], path, hop=16)
            windows[side] = rec['num_windows']
        return run

    times = interleaved({k: score(k) for k in models}, rounds=args.rounds)
    for side, name in (('torch', 'tools/infer.py'),
                       ('onnx', 'tools/infer.py --onnx')):
        fps = [frames / t for t in times[side]]
        record('infer', f'thermal recording, sliding windows (64 frames, '
               f'hop 16), {name}: frames scored/s / sensor frames/s',
               float(np.mean(fps)) / sensor_fps, '>= 1',
               f'{frames} frames ({frames / sensor_fps:.0f} s at '
               f'{sensor_fps:.1f} fps), {windows[side]} windows in '
               f'{np.mean(times[side]):.1f} s, {data_source(root)}',
               [f / sensor_fps for f in fps])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--files', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    set_threads(1)
    os.environ['OMP_NUM_THREADS'] = '1'
    from mmengine.registry import init_default_scope
    import ftplugin  # noqa: F401
    init_default_scope('mmaction')
    os.makedirs(OUT_DIR, exist_ok=True)
    print(f'load: {load_average()}')
    start = time.time()
    kaggle_rows(args)
    thermal_rows(args)
    print(f'bench: infer rows in {time.time() - start:.0f} s')


if __name__ == '__main__':
    main()
