"""Helpers shared by the per-family demo steps in ``tools/demo/``."""
import glob
import os.path as osp
import subprocess
import sys
import time
from typing import List

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PYTHON = sys.executable


def run(step: str, cmd: List[str]) -> None:
    """Run one command of the demo from the repository root, printing it."""
    print(f'\n=== {step}\n$ {" ".join(cmd)}', flush=True)
    start = time.time()
    subprocess.run(cmd, cwd=REPO, check=True)
    print(f'=== {step}: done in {time.time() - start:.0f} s', flush=True)


def data_root_options(root: str) -> List[str]:
    """``--cfg-options`` entries pointing the three dataloaders at ``root``."""
    return [f'{split}_dataloader.dataset.data_root={root}'
            for split in ('train', 'val', 'test')]


def best_checkpoint(work_dir: str) -> str:
    """The ``best_*.pth`` a run kept (mmengine keeps one)."""
    found = sorted(glob.glob(osp.join(REPO, work_dir, 'best_*.pth')))
    if not found:
        raise FileNotFoundError(f'no best_*.pth in {work_dir}')
    return osp.join(work_dir, osp.basename(found[-1]))
