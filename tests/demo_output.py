"""Reading what ``demo/run_demo.py`` printed and wrote, for the demo tests
(tests/test_tools/test_run_demo.py, tests/test_ava_custom/)."""
import pickle
import re
from pathlib import Path
from typing import Dict, List

import numpy as np

# one console line per step: family, step, what, seconds, cpu, log
STEP_LINE = re.compile(r'^(\w+)\s+(\w+)\s+.*?\s(\d+) s \(cpu\s+\d+ s\)\s+'
                       r'(\S+\.log)$')


def final_table(stdout: str) -> Dict[str, Dict[str, List[str]]]:
    """``{family: {row name: [values]}}`` of the final table."""
    assert '\nResults (' in stdout, stdout[-3000:]
    tables, rows = {}, None
    for line in stdout[stdout.rindex('\nResults ('):].splitlines()[1:]:
        header = re.match(r'^(\w+) \(\d+ s\)$', line)
        if header:
            rows = tables.setdefault(header.group(1), {})
        elif line.startswith('  ') and rows is not None:
            rows.setdefault(line[2:19].strip(), []).append(line[20:])
    return tables


def step_lines(stdout: str, family: str) -> Dict[str, str]:
    """``{step: log path}`` of the console's step lines of ``family``."""
    head = stdout[:stdout.rindex('\nResults (')]
    steps = {}
    for line in head.splitlines():
        match = STEP_LINE.match(line)
        if match and match.group(1) == family:
            steps[match.group(2)] = match.group(4)
    return steps


def check_steps(stdout: str, family: str, work: Path,
                expected: List[str]) -> Dict[str, str]:
    """Every step ran in order, one console line each with its log, whose
    first line is the command; nothing else of the steps' output on the
    console. Returns the final table's rows of ``family``."""
    rows = final_table(stdout)[family]
    assert rows['ran'] == [', '.join(expected)], rows
    steps = step_lines(stdout, family)
    assert list(steps) == expected, steps
    for step, log in steps.items():
        assert log == str(work / 'logs' / f'{family}_{step}.log')
        assert Path(log).read_text().startswith('$ ')
    # the steps' own output (config dumps, epochs) stays in the logs
    assert len(stdout.splitlines()) < 30 + len(rows), stdout
    assert 'Epoch(' not in stdout
    return {name: values[0] for name, values in rows.items()}


def number(text: str, label: str) -> float:
    """The number after ``label`` in ``text``."""
    match = re.search(re.escape(label) + r' ([\d.]+)', text)
    assert match, (label, text)
    return float(match.group(1))


def load_dump(path) -> list:
    with open(path, 'rb') as f:
        return pickle.load(f)


def labels(dump: list):
    """(true, predicted) class indices of a classification dump."""
    truth = np.array([int(r['gt_label']) for r in dump])
    pred = np.array([int(r['pred_label']) for r in dump])
    return truth, pred


def majority_share(truth: np.ndarray) -> float:
    return np.bincount(truth).max() / len(truth)
