"""Helpers shared by the per-family demo steps in ``demo/``."""
import json
import os.path as osp
import subprocess
import sys
import time
from typing import List, Sequence, Tuple

from ftplugin.checkpoint.selection import best_checkpoint as select_best

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
PYTHON = sys.executable


def run(step: str, cmd: List[str]) -> None:
    """Run one command of the demo from the repository root, printing it."""
    print(f'\n=== {step}\n$ {" ".join(cmd)}', flush=True)
    start = time.time()
    subprocess.run(cmd, cwd=REPO, check=True)
    print(f'=== {step}: done in {time.time() - start:.0f} s', flush=True)


def best_checkpoint(work_dir: str) -> str:
    """The checkpoint the latest run in ``work_dir`` kept, relative to the
    checkout."""
    return osp.relpath(select_best(osp.join(REPO, work_dir)), REPO)


def test_and_export(cfg: str, checkpoint: str, work_dir: str,
                    data_root: str, test_step: str, export_step: str,
                    options: Sequence[str] = ()) -> Tuple[str, str, dict]:
    """The last two steps every family's demo shares.

    ``tools/test.py --dump`` on the test split, then ONNX export with the
    onnxruntime parity check, with ``--data-root data_root`` and the
    ``--cfg-options`` in ``options``. Returns the dump, the ONNX file and the
    test metrics (``test_metrics.json`` of ``work_dir``).
    """
    dump = osp.join(work_dir, 'test_predictions.pkl')
    run(test_step, [
        PYTHON, 'tools/test.py', cfg, checkpoint, '--work-dir', work_dir,
        '--dump', dump, '--data-root', data_root
    ] + (['--cfg-options', *options] if options else []))
    onnx_file = osp.join(
        work_dir,
        osp.splitext(osp.basename(cfg))[0] + '.onnx')
    run(export_step, [
        PYTHON, 'tools/deployment/export_onnx.py', cfg, checkpoint,
        '--output-file', onnx_file, '--verify'
    ])
    with open(osp.join(REPO, work_dir, 'test_metrics.json')) as f:
        metrics = json.load(f)
    return dump, onnx_file, metrics


def result_rows(headline: Tuple[str, str], pre_dir: str, ft_dir: str,
                best: str, dump: str, onnx_file: str,
                ft_files: Sequence[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The (what, where) rows of a pretrain -> fine-tune -> test -> export
    demo, in the order every family prints them.

    Args:
        headline (tuple): The test result, shown first.
        pre_dir (str): The pretraining work dir.
        ft_dir (str): The fine-tuning work dir.
        best (str): The checkpoint tested and exported.
        dump (str): The ``--dump`` file.
        onnx_file (str): The exported model.
        ft_files (Sequence[tuple]): (what, file name in ``ft_dir``) rows.
    """
    return ([headline, ('pretraining run', pre_dir),
             ('fine-tuning run', ft_dir), ('best checkpoint', best)] +
            [(what, osp.join(ft_dir, name)) for what, name in ft_files] +
            [('test predictions', dump), ('ONNX model', onnx_file)])
