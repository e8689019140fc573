"""Kaggle fine-tuning, 30 epochs: ftplugin vs the original project's loop.

    python bench/bench_kaggle_finetune.py [--original-epochs 4]
        [--original-files 20] [--full]

ftplugin's side: ``tools/train.py configs/kaggle_pose/pose_ae_kaggle_
finetune_single_window.py`` as a user runs it (the KTH checkpoint when it
is present; the same work as the original: one 64-frame window per file,
where the family's default trains on 5 per file, about 3x the time),
30 epochs on the 600 shared Kaggle files, from building the runner (which
reads the CSVs) to the end of training. The baseline re-implements, only
as the baseline of this ratio, what the original project's
``finetune_kaggle.py`` does per run: its CSV reader (one data-frame filter
per frame and keypoint, see ``bench_kaggle_csv_reader.py``), a 4-worker
``DataLoader`` that restarts its workers every epoch, CE + 0.1 x MSE with
gradient clipping, a validation pass, ReduceLROnPlateau and a best-model
save every epoch, on the same model and files.

Both run in one process: the baseline's epochs alternate with ftplugin's
first epochs (a hook), so load from other programs hits both alike. By
default the baseline reads ``--original-files`` files and runs
``--original-epochs`` epochs, and its reading and epoch times are scaled to
600 files and 30 epochs (both are uniform per file / per epoch); ``--full``
runs all of it (about 10 minutes on 2 cores).
"""
import argparse
import copy
import os
import os.path as osp
import sys
import time

import numpy as np
import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from bench_kaggle_csv_reader import per_frame_loop  # noqa: E402
from common import (OUT_DIR, REPO, SHARED_CKPT, SHARED_DATA,  # noqa: E402
                    load_average, record, set_threads)

CONFIG = 'configs/kaggle_pose/pose_ae_kaggle_finetune_single_window.py'
EPOCHS = 30


def original_normalise(poses: np.ndarray, length: int = 64) -> np.ndarray:
    """The original's per-file normalisation and pad/trim to 64 frames."""
    padded = np.zeros((len(poses), 18, 2), np.float32)
    # the original padded its 17 COCO joints to 18 (ftplugin's reader,
    # which fills the untimed files, gives 18 already)
    padded[:, :poses.shape[1]] = poses
    centre = padded[:, 1:2]
    scale = np.median(np.linalg.norm(padded[:, 2] - padded[:, 5], axis=-1))
    padded = (padded - centre) / max(float(scale), 1e-6)
    if len(padded) >= length:
        return padded[:length]
    return np.concatenate([padded, np.repeat(padded[-1:], length -
                                             len(padded), axis=0)])


class OriginalLoop:
    """The original project's fine-tuning loop (baseline only).

    Args:
        model: A copy of ftplugin's model (same architecture and weights).
        paths, labels: The Kaggle CSV files and their labels.
        timed_files (int): Files read by the original reader (timed);
            the others are read by ftplugin's reader (untimed) and the
            reading time is scaled to all files.
    """

    def __init__(self, model, paths, labels, timed_files: int) -> None:
        from sklearn.model_selection import train_test_split
        from ftplugin.datasets import KagglePoseDataset
        # timed files spread evenly over both classes (lengths differ)
        timed = set(np.linspace(0, len(paths) - 1, max(timed_files, 1),
                                dtype=int).tolist())
        start = time.perf_counter()
        arrays = {i: per_frame_loop(paths[i]) for i in sorted(timed)}
        self.read_s = ((time.perf_counter() - start) * len(paths) /
                       len(timed))
        fast = KagglePoseDataset.__new__(KagglePoseDataset)
        fast.min_keypoint_score = 0.0
        arrays = [arrays[i] if i in arrays else fast.read_file(p)[0]
                  for i, p in enumerate(paths)]
        keep = [i for i, a in enumerate(arrays) if len(a)]  # header-only
        x = torch.from_numpy(np.stack(
            [original_normalise(arrays[i]).transpose(2, 0, 1)
             for i in keep]))
        y = torch.tensor([labels[i] for i in keep])
        idx = np.arange(len(y))
        train, _ = train_test_split(idx, test_size=0.1, stratify=y,
                                    random_state=42)
        train, val = train_test_split(train, test_size=0.2,
                                      stratify=y[train], random_state=42)
        data = torch.utils.data.TensorDataset
        self.train_loader = torch.utils.data.DataLoader(
            data(x[train], y[train]), batch_size=16, shuffle=True,
            num_workers=4, drop_last=True)
        self.val_loader = torch.utils.data.DataLoader(
            data(x[val], y[val]), batch_size=16, num_workers=4)
        self.model = model
        self.optimizer = torch.optim.Adam(model.parameters(), lr=1e-4,
                                          weight_decay=1e-5)
        self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            self.optimizer, mode='max', factor=0.5, patience=3)
        self.best = 0.0
        self.ckpt = osp.join(OUT_DIR, 'original_best.pt')

    def epoch(self) -> None:
        model, ce, mse = self.model, torch.nn.CrossEntropyLoss(), \
            torch.nn.MSELoss()
        model.train()
        total = correct = 0
        for poses, labels in self.train_loader:
            self.optimizer.zero_grad()
            latent = model.backbone.encode(poses)
            logits = model.cls_head(latent)
            recon = model.backbone.decode(latent, poses.shape[-2:])
            loss = ce(logits, labels) + 0.1 * mse(recon, poses)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            self.optimizer.step()
            loss.item()
            correct += (logits.argmax(1) == labels).sum().item()
            total += len(labels)
        model.eval()
        total = correct = 0
        with torch.no_grad():
            for poses, labels in self.val_loader:
                logits = model.cls_head(model.backbone.encode(poses))
                correct += (logits.argmax(1) == labels).sum().item()
                total += len(labels)
        accuracy = correct / max(total, 1)
        self.scheduler.step(accuracy)
        if accuracy > self.best:
            self.best = accuracy
            torch.save(dict(model_state_dict=model.state_dict()), self.ckpt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--original-epochs', type=int, default=4)
    parser.add_argument('--original-files', type=int, default=20)
    parser.add_argument('--full', action='store_true')
    args = parser.parse_args()
    root = osp.join(SHARED_DATA, 'kaggle_fall')
    name = 'Kaggle 30-epoch fine-tuning: ftplugin / original loop'
    if not osp.isdir(root):
        record('kaggle', name, None, '', skipped=f'{root} absent (the 600 '
               'real files of the original measurement)')
        return
    set_threads(1)
    import glob
    from mmengine.config import Config
    from mmengine.hooks import Hook
    import ftplugin  # noqa: F401
    from ftplugin.utils import build_runner
    paths, labels = [], []
    for label, cls in ((1, 'Fall'), (0, 'No_Fall')):
        found = sorted(glob.glob(osp.join(root, cls, 'Keypoints_CSV',
                                          '*.csv')))
        paths += found
        labels += [label] * len(found)
    epochs = EPOCHS if args.full else args.original_epochs
    timed = len(paths) if args.full else args.original_files
    print(f'load: {load_average()}; {len(paths)} files')

    class AlternateHook(Hook):
        priority = 'LOWEST'
        spent = 0.0  # seconds inside this hook (not ftplugin's)
        original_epochs = []

        def before_train(self, runner) -> None:
            start = time.perf_counter()
            self.loop = OriginalLoop(copy.deepcopy(runner.model), paths,
                                     labels, timed)
            AlternateHook.spent += time.perf_counter() - start

        def before_train_epoch(self, runner) -> None:
            if runner.epoch >= epochs:
                return
            start = time.perf_counter()
            self.loop.epoch()
            took = time.perf_counter() - start
            AlternateHook.original_epochs.append(took)
            AlternateHook.spent += took

    cfg = Config.fromfile(osp.join(REPO, CONFIG))
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = root
    cfg.train_cfg.max_epochs = EPOCHS
    ckpt = osp.join(SHARED_CKPT, 'pose_autoencoder.pt')
    cfg.load_from = ckpt if osp.isfile(ckpt) else None
    if cfg.load_from is None:
        cfg.load_cfg = None  # from scratch, as the original loop then
    cfg.work_dir = osp.join(OUT_DIR, 'runs', 'kaggle_30e')
    cfg.randomness = dict(seed=0)
    # one intra-op thread for both sides, as every bench: the runner would
    # otherwise apply the config's 'auto' (both cores) to the whole process
    cfg.setdefault('env_cfg', {})['torch_num_threads'] = 1
    start = time.perf_counter()
    runner = build_runner(cfg)
    hook = AlternateHook()
    runner.register_hook(hook)
    runner.train()
    ours = time.perf_counter() - start - AlternateHook.spent
    per_epoch = AlternateHook.original_epochs
    original = hook.loop.read_s + np.mean(per_epoch) * EPOCHS
    scaled = '' if args.full else (
        f'; original reader timed on {timed} files and {epochs} epochs, '
        f'scaled to {len(paths)} files and {EPOCHS} epochs')
    record('kaggle', name, ours / original, '<= 0.1',
           f'{ours:.0f} s vs {original:.0f} s (original: read '
           f'{hook.loop.read_s:.0f} s + {np.mean(per_epoch):.1f} s/epoch)'
           f'{scaled}')


if __name__ == '__main__':
    os.makedirs(OUT_DIR, exist_ok=True)
    main()
