"""Helpers shared by the per-family demo steps in ``demo/``.

A family's demo is a :class:`FamilyRun`: each step is one command of the
checkout (``tools/train.py`` ...), its whole output in
``<work_root>/logs/<family>_<step>.log`` and one line on the console (what
runs, seconds, the log). A step that fails prints the tail of its log and
raises :class:`StepFailed`.
"""
import json
import os
import os.path as osp
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ftplugin.checkpoint.selection import best_checkpoint as select_best

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
PYTHON = sys.executable
# the lines of a failed step's log shown on the console, progress bars
# (mmengine's ProgressBar) left out
TAIL_LINES = 40
PROGRESS = re.compile(r'^\[[> ]*\] \d+/\d+')


class StepFailed(RuntimeError):
    """A demo step exited with an error; the message names its log."""


@dataclass
class Result:
    """What a family's demo shows in the final table.

    Args:
        metric (str): The test metric, e.g. ``'test accuracy 0.9333'``.
        baseline (str): The same metric of a model that ignores its input
            (majority class, the mean, a constant score).
        report (str): The ``tools/analysis/report.py`` report.
        files (list[tuple]): (what, path) of the other results.
    """
    metric: str
    baseline: str
    report: str
    files: List[Tuple[str, str]] = field(default_factory=list)


class FamilyRun:
    """The steps of one family's demo and where they write.

    Args:
        family (str): The family's name.
        work_root (str): The demo's work root (runs, logs, generated data).
        mode (str): ``'quick'`` (the tests), ``'default'`` or ``'full'``
            (the configs' own schedules and the generators' full sizes).
        threads (int): OpenMP / torch threads of every step.
        data_root (str, optional): Real data, where a family finds its files.
    """

    def __init__(self, family: str, work_root: str, mode: str = 'default',
                 threads: int = 2, data_root: Optional[str] = None):
        self.family = family
        self.mode = mode
        self.threads = threads
        self.data_root = data_root
        self.work = osp.join(work_root, family)
        self.data = osp.join(work_root, 'data', family)
        self.logs = osp.join(work_root, 'logs')
        self.ran: List[str] = []
        self.notes: List[str] = []
        # OMP_WAIT_POLICY=PASSIVE: an idle OpenMP thread sleeps instead
        # of spinning; on a machine shared with other jobs, spinning 2
        # threads made the LSTM's pretraining take 5x the CPU time (and
        # longer) of 1 thread, passive the same as 1 thread
        self.env = dict(os.environ, OMP_NUM_THREADS=str(threads),
                        MKL_NUM_THREADS=str(threads),
                        OMP_WAIT_POLICY='PASSIVE',
                        PYTHONPATH=os.pathsep.join(
                            [REPO] + [p for p in os.environ.get(
                                'PYTHONPATH', '').split(os.pathsep) if p]))

    def pick(self, quick, default, full):
        """The setting of this run's mode."""
        return dict(quick=quick, default=default, full=full)[self.mode]

    def log_path(self, step: str) -> str:
        return osp.join(self.logs, f'{self.family}_{step}.log')

    def step(self, step: str, what: str, cmd: Sequence[str]) -> None:
        """Run one command from the checkout, its output to the step's log.

        Args:
            step (str): The step's short name (also the log's name).
            what (str): What it does, shown on the console.
            cmd (Sequence[str]): The command.

        Raises:
            StepFailed: The command exited with an error.
        """
        os.makedirs(osp.join(REPO, self.logs), exist_ok=True)
        log = self.log_path(step)
        cmd = [str(c) for c in cmd]
        print(f'{self.family:<12} {step:<18} {what:<54}', end='',
              flush=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.time()
        with open(osp.join(REPO, log), 'w') as f:
            f.write('$ ' + ' '.join(cmd) + '\n')
            f.flush()
            rc = subprocess.run(cmd, cwd=REPO, env=self.env, stdout=f,
                                stderr=subprocess.STDOUT).returncode
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime + after.ru_stime -
               before.ru_stime)
        print(f' {time.time() - start:5.0f} s (cpu {cpu:4.0f} s)  {log}',
              flush=True)
        if rc != 0:
            with open(osp.join(REPO, log)) as f:
                tail = [line for line in f if not PROGRESS.match(line)]
            tail = tail[-TAIL_LINES:]
            print(f'--- the last {len(tail)} lines of {log}:\n' +
                  ''.join(tail) + '---', flush=True)
            raise StepFailed(f'{self.family} {step} exited with {rc}; the '
                             f'whole output: {log}')
        self.ran.append(step)

    def note(self, text: str) -> None:
        """A line on the console (and in the final table's notes)."""
        print(f'{self.family:<12} {text}', flush=True)
        self.notes.append(text)

    def threads_option(self) -> str:
        """The ``--cfg-options`` entry for torch's threads in a runner."""
        return f'env_cfg.torch_num_threads={self.threads}'

    def generate(self, what: str, cmd: Sequence[str],
                 step: str = 'generate') -> None:
        self.step(step, what, [PYTHON] + list(cmd))

    def validate(self, cfg: str, data_root: str, step: str = 'validate',
                 options: Sequence[str] = ()) -> None:
        """``tools/validate_data.py`` on every split ``cfg`` reads."""
        self.step(step, 'check the data (tools/validate_data.py)', [
            PYTHON, 'tools/validate_data.py', cfg, '--data-root', data_root
        ] + (['--cfg-options', *options] if options else []))

    def train(self, step: str, what: str, cfg: str, work_dir: str,
              data_root: str, options: Sequence[str] = ()) -> None:
        self.step(step, what, [
            PYTHON, 'tools/train.py', cfg, '--work-dir', work_dir, '--seed',
            '0', '--data-root', data_root, '--cfg-options',
            self.threads_option(), *options])

    def evaluate(self, cfg: str, checkpoint: str, work_dir: str,
                 data_root: str, held_out: Callable[[str], Sequence[str]],
                 options: Sequence[str] = ()) -> Dict:
        """Test (``--dump``), ONNX export with onnxruntime parity, predict
        (``tools/infer.py``) and the run's report: the steps every family
        ends with. Returns the test metrics (``test_metrics.json``).

        Args:
            cfg (str): The config tested and exported.
            checkpoint (str): The checkpoint.
            work_dir (str): The training run's work dir.
            data_root (str): The data root of the test split.
            held_out (Callable): The files of the test split to predict on,
                from the dump's path.
            options (Sequence[str]): ``--cfg-options`` of test and export.
        """
        dump = self.dump(work_dir)
        self.step('test', 'test the best checkpoint (--dump)', [
            PYTHON, 'tools/test.py', cfg, checkpoint, '--work-dir', work_dir,
            '--dump', dump, '--data-root', data_root, '--cfg-options',
            self.threads_option(), *options])
        self.step('export', 'export to ONNX, onnxruntime vs torch', [
            PYTHON, 'tools/deployment/export_onnx.py', cfg, checkpoint,
            '--output-file', self.onnx(work_dir, cfg), '--verify'
        ] + (['--cfg-options', *options] if options else []))
        self.step('predict', 'predict on the held-out files', [
            PYTHON, 'tools/infer.py', cfg, checkpoint, *held_out(dump),
            '--out', self.predictions(work_dir)
        ] + (['--cfg-options', *options] if options else []))
        self.step('report', 'report of the run (tools/analysis/report.py)',
                  [PYTHON, 'tools/analysis/report.py', work_dir, '--dump',
                   dump])
        return read_json(osp.join(work_dir, 'test_metrics.json'))

    @staticmethod
    def dump(work_dir: str) -> str:
        return osp.join(work_dir, 'test_predictions.pkl')

    @staticmethod
    def onnx(work_dir: str, cfg: str) -> str:
        return osp.join(work_dir,
                        osp.splitext(osp.basename(cfg))[0] + '.onnx')

    @staticmethod
    def predictions(work_dir: str) -> str:
        return osp.join(work_dir, 'predictions.csv')

    def result_files(self, work_dir: str, cfg: str,
                     checkpoint: str) -> List[Tuple[str, str]]:
        """(what, path) of the files every family's evaluation writes."""
        files = [('checkpoint', checkpoint),
                 ('test predictions', self.dump(work_dir)),
                 ('ONNX model', self.onnx(work_dir, cfg))]
        if 'predict' in self.ran:
            files.append(('predictions', self.predictions(work_dir)))
        return files


def read_json(path: str) -> Dict:
    with open(osp.join(REPO, path)) as f:
        return json.load(f)


def best_checkpoint(work_dir: str) -> str:
    """The checkpoint the latest run in ``work_dir`` kept (relative to the
    checkout when ``work_dir`` is)."""
    path = select_best(osp.join(REPO, work_dir))
    return path if osp.isabs(work_dir) else osp.relpath(path, REPO)


def load_dump(dump: str) -> List[Dict]:
    """The per-sample results ``tools/test.py --dump`` wrote."""
    import pickle
    with open(osp.join(REPO, dump), 'rb') as f:
        return pickle.load(f)


def majority_share(confusion: Sequence[Sequence[int]]) -> float:
    """Accuracy of always predicting the most frequent true class, from a
    confusion matrix (rows: true classes)."""
    counts = [sum(row) for row in confusion]
    return max(counts) / sum(counts)


def classes_present(confusion: Sequence[Sequence[int]]) -> int:
    """How many classes occur in the test split (rows with samples)."""
    return sum(1 for row in confusion if sum(row))
