"""What the benchmarks in ``bench/`` share: data, timing, the result table.

Every figure of ``make bench`` is a ratio of two things measured in the same
process (or in back-to-back subprocesses), interleaved round by round, so
that the load other programs put on a shared machine hits both sides alike.
Absolute times are printed for orientation only.
"""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = osp.join(osp.dirname(REPO), 'shared', 'data')
SHARED_CKPT = osp.join(osp.dirname(REPO), 'shared', 'checkpoints',
                       'fall_detection_study')
OUT_DIR = osp.join(REPO, 'work_dirs', 'bench')
DATA_DIR = osp.join(OUT_DIR, 'data')
RESULTS = osp.join(OUT_DIR, 'results.jsonl')
PYTHON = sys.executable


class Skip(Exception):
    """A row that cannot run here; the message says why."""


# ------------------------------------------------------------------ rows
def record(group: str, name: str, ratio: Optional[float], target: str,
           detail: str = '', spread: Sequence[float] = (),
           skipped: str = '') -> dict:
    """Append one row to ``results.jsonl`` and print it."""
    row = dict(group=group, name=name, ratio=ratio, target=target,
               detail=detail, spread=[round(s, 3) for s in spread],
               skipped=skipped, time=time.strftime('%Y-%m-%d %H:%M:%S'))
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(RESULTS, 'a') as f:
        f.write(json.dumps(row) + '\n')
    print(format_row(row), flush=True)
    return row


def met(row: dict) -> str:
    """'yes' / 'no' / '-' for a row's target (``<= x`` or ``>= x``)."""
    if row['ratio'] is None or not row['target']:
        return '-'
    op, value = row['target'].split()
    ok = (row['ratio'] <= float(value) if op == '<=' else
          row['ratio'] >= float(value))
    return 'yes' if ok else 'NO'


def format_row(row: dict) -> str:
    if row['skipped']:
        return f'| {row["name"]} | skipped | | | {row["skipped"]} |'
    spread = ('' if not row['spread'] else
              f' ({min(row["spread"]):.2f}-{max(row["spread"]):.2f})')
    return (f'| {row["name"]} | {row["ratio"]:.2f}x{spread} | '
            f'{row["target"]} | {met(row)} | {row["detail"]} |')


TABLE_HEAD = ('| row | ratio (per-round range) | target | met | measured |\n'
              '| --- | --- | --- | --- | --- |')


def table(rows: List[dict]) -> str:
    return '\n'.join([TABLE_HEAD] + [format_row(r) for r in rows])


# ---------------------------------------------------------------- timing
def interleaved(fns: Dict[str, Callable[[], object]], rounds: int,
                warmup: int = 1) -> Dict[str, List[float]]:
    """Seconds per call of each function, alternated round by round.

    The order inside a round alternates too, so that neither side always
    runs right after the other (caches, a neighbour's burst of load).
    """
    times: Dict[str, List[float]] = {k: [] for k in fns}
    names = list(fns)
    for r in range(warmup + rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            start = time.perf_counter()
            fns[name]()
            if r >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def ratio_of(num: List[float], den: List[float]):
    """Ratio of the totals and the per-round ratios."""
    return sum(num) / sum(den), [a / b for a, b in zip(num, den)]


def set_threads(n: int = 1) -> None:
    """One intra-op thread for both sides of every ratio (2 shared cores)."""
    import torch
    torch.set_num_threads(n)


def set_unit_statistics(model) -> None:
    """Give a signal model's data preprocessor the statistics a trained
    one carries (zero mean, unit std: timing and memory do not depend on
    their values)."""
    pre = getattr(model, 'data_preprocessor', None)
    if hasattr(pre, 'set_statistics'):
        n = pre.mean.numel()
        pre.set_statistics([0.0] * n, [1.0] * n)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f'{one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} cores'


# ------------------------------------------------------------------ data
def _tool(name: str) -> str:
    """A data tool wherever the layout keeps it (tools/data[/<family>])."""
    found = sorted(glob.glob(osp.join(REPO, 'tools', 'data', '**', name),
                             recursive=True))
    if not found:
        raise Skip(f'tools/data/**/{name} not found')
    return found[0]


def _generate(out: str, cmd: List[str]) -> str:
    if not osp.isdir(out):
        print(f'bench: generating {out}', flush=True)
        subprocess.run([PYTHON] + cmd, check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)
    return out


def kaggle_root() -> str:
    """The 600 shared Kaggle fall CSVs, else generated ones."""
    real = osp.join(SHARED_DATA, 'kaggle_fall')
    if osp.isdir(real):
        return real
    out = osp.join(DATA_DIR, 'pose')
    _generate(out, [_tool('generate_pose_data.py'), '--out-dir', out])
    return osp.join(out, 'kaggle_fall')


def apple_watch_root() -> str:
    out = osp.join(DATA_DIR, 'apple_watch')
    _generate(out, [_tool('generate_apple_watch_data.py'), '--out-dir', out,
                    '--endomondo-workouts', '24', '--endomondo-users', '8',
                    '--apple-watch-workouts', '120', '--apple-watch-users',
                    '2', '--quiet'])
    return osp.join(out, 'apple_watch')


def butppg_root() -> str:
    out = osp.join(DATA_DIR, 'butppg')
    return _generate(out, [_tool('generate_butppg_data.py'), 'butppg',
                           '--out-dir', out, '--train', '256', '--val', '64',
                           '--test', '32', '--ecg-method', 'simple',
                           '--quiet'])


def thermal_root() -> str:
    """The shared thermal recordings, else generated ones."""
    real = osp.join(SHARED_DATA, 'thermal_action_dataset')
    if osp.isdir(real):
        return real
    out = osp.join(DATA_DIR, 'thermal_action_dataset')
    return _generate(out, [_tool('generate_thermal_data.py'), '--out-dir',
                           out, '--sensors', '8', '--frames', '400',
                           '--seed', '0'])


def data_source(root: str) -> str:
    return 'shared data' if root.startswith(SHARED_DATA) else 'generated'
