"""Shared by the per-family bad-input tests
(``tests/test_datasets/test_<family>_dataset_errors.py``): a defect must
stop the dataset (built and read, as training would) with an error naming
the file and the field, and ``tools/validate_data.py``'s pass must list it
the same way, every defect of a root at once."""
import json
import shutil
from pathlib import Path
from typing import List, Optional, Sequence

import pytest
from mmaction.registry import DATASETS
from mmengine.config import Config

from ftplugin.apis.data_validation import (NO_SAMPLE_OF_CLASSES,
                                           format_reports, validate_config)
from ftplugin.datasets.formats.checks import DataWarning
from ftplugin.utils import set_data_root


def family_config(repo_root: Path, config: str, root: Path,
                  **dataset) -> Config:
    """``config`` with every dataloader's data root set to ``root`` and
    ``dataset`` merged into each dataloader's dataset; not serialised (what
    mmengine does for its workers costs a full garbage collection, about a
    second in a test process, per dataset)."""
    dataset = dict(dict(serialize_data=False), **dataset)
    cfg = Config.fromfile(str(repo_root / config))
    set_data_root(cfg, str(root))
    for split in ('train', 'val', 'test'):
        if cfg.get(f'{split}_dataloader'):
            cfg[f'{split}_dataloader'].dataset.update(dataset)
    return cfg


def read_all(dataset_cfg: dict) -> None:
    """Build the dataset and read every sample through its pipeline, as an
    epoch of training would."""
    dataset = DATASETS.build(dataset_cfg)
    for i in range(len(dataset)):
        dataset[i]


def assert_named(text: str, file: str, field: str) -> None:
    assert file in text and field in text, (
        f'expected the file {file!r} and the field {field!r} in:\n{text}')


def assert_refused(cfg: Config, split: str, file: str, field: str) -> None:
    """Reading ``split`` raises an error naming ``file`` and ``field``, and
    the validation pass reports a problem naming both."""
    with pytest.raises((ValueError, KeyError, OSError, TypeError)) as err:
        read_all(cfg[f'{split}_dataloader'].dataset)
    assert_named(str(err.value), file, field)
    problems = validation_problems(cfg, (split, ))
    assert any(file in p and field in p for p in problems), (
        f'{file!r} / {field!r} not among the reported problems: {problems}')


def assert_implausible(cfg: Config, warn_cfg: Config, split: str,
                       file: str, field: str, cause: str) -> None:
    """A value that could be meant: with ``cfg`` reading ``split`` raises an
    error naming ``file``, ``field``, the likely ``cause`` and the opt-out,
    and the validation pass counts it as an error; with ``warn_cfg`` (the
    same, built with ``on_implausible='warn'``) the split reads and the pass
    counts it as a warning."""
    with pytest.raises(ValueError) as err:
        read_all(cfg[f'{split}_dataloader'].dataset)
    message = str(err.value)
    assert_named(message, file, field)
    assert cause in message and 'on_implausible' in message, message
    for config, warning in ((cfg, False), (warn_cfg, True)):
        problems = validation_problems(config, (split, ))
        hits = [p for p in problems
                if file in p and field in p and cause in p]
        assert hits and all(is_warning(p) == warning for p in hits), (
            warning, problems)
    read_all(warn_cfg[f'{split}_dataloader'].dataset)


def validation_problems(cfg: Config,
                        splits: Sequence[str] = ('train', ),
                        class_coverage: bool = False) -> List[str]:
    """Every problem (errors and warnings) the ``tools/validate_data.py``
    pass finds, but the warning that a split lacks some classes unless
    ``class_coverage`` (small generated roots always do); its report must
    count them in its summary."""
    reports = validate_config(cfg, splits, progress=False)
    problems = [p for r in reports for p in r.problems]
    text = format_reports(reports)
    errors = sum(not isinstance(p, DataWarning) for p in problems)
    assert (f'{len(problems)} problem(s) found: {errors} error(s), '
            f'{len(problems) - errors} warning(s)' in text if problems else
            'No problem found' in text)
    if not class_coverage:
        problems = [p for p in problems if NO_SAMPLE_OF_CLASSES not in p]
    return problems


def is_warning(problem: str) -> bool:
    """Whether a recorded problem is a warning (training goes on)."""
    return isinstance(problem, DataWarning)


def assert_each_reported(problems: List[str], expected: dict) -> None:
    """Each file of ``expected`` (file -> field) named, with its field, by
    a problem of its own."""
    for file, field in expected.items():
        hits = [p for p in problems if file in p and field in p]
        assert hits, (f'{file!r} / {field!r} not reported; problems: '
                      f'{problems}')
    assert len(problems) >= len(expected), problems


def copy_root(clean: Path, tmp_path: Path) -> Path:
    """A copy of a clean generated root, to break."""
    copy = tmp_path / clean.name
    shutil.copytree(clean, copy)
    return copy


def truncate(path: Path, keep: float = 0.5) -> None:
    """Cut a file to the fraction ``keep`` of its bytes."""
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])


def edit_json(path: Path, change) -> None:
    """Rewrite a JSON file with ``change(data)`` applied."""
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def set_first(key: Optional[str], field: str, value):
    """A change for :func:`edit_json`: ``data[key][0][field] = value``
    (``data[0]...`` with no key)."""
    def change(data):
        (data[key] if key else data)[0][field] = value
    return change


def drop_first(key: str, field: str):
    """A change for :func:`edit_json`: delete ``data[key][0][field]``."""
    def change(data):
        del data[key][0][field]
    return change
