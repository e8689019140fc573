"""Check every sample of a config's datasets without training
(``tools/validate_data.py`` is its command line).

Datasets are built inside :func:`~ftplugin.datasets.formats.checks.collecting`,
so the checks they run at training time record every problem (file, index,
field, what was expected) instead of stopping at the first; then every
sample goes through the split's pipeline and its inputs and label are
checked. Problems are errors (training would stop) or warnings
(:class:`~ftplugin.datasets.formats.checks.DataWarning`: training goes on,
e.g. a skipped file, a class without samples in a split, a value accepted
with ``on_implausible='warn'``).
"""
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np
import torch
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.utils import ProgressBar

from ..datasets.formats.checks import DataWarning, collecting, per_item

SPLITS = ('train', 'val', 'test')
# in the warning about the classes a split has no sample of
NO_SAMPLE_OF_CLASSES = 'have no sample in this split'


@dataclass
class SplitReport:
    """What :func:`validate_split` found in one split."""
    split: str
    samples: int = 0
    class_counts: Dict[str, int] = field(default_factory=dict)
    empty_classes: List[str] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    # skipped as the config asks (header-only files with on_empty='skip',
    # missing recordings with skip_missing=True): listed, not problems
    notes: List[str] = field(default_factory=list)
    # the built dataset, for the checks across splits
    dataset: object = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> List[str]:
        """Problems that stop training."""
        return [p for p in self.problems if not isinstance(p, DataWarning)]

    @property
    def warnings(self) -> List[str]:
        """Problems training goes on with."""
        return [p for p in self.problems if isinstance(p, DataWarning)]


def _label_of(sample) -> object:
    data_sample = sample.get('data_samples') if isinstance(sample,
                                                           dict) else None
    label = getattr(data_sample, 'gt_label', None)
    if label is None:
        return None
    label = torch.as_tensor(label)
    return label.item() if label.numel() == 1 else label


def _check_sample(name: str, sample, classes: Sequence[str]) -> object:
    """Inputs finite, label an integer class index in range; the label."""
    inputs = sample.get('inputs') if isinstance(sample, dict) else None
    if isinstance(inputs, (torch.Tensor, np.ndarray)):
        values = torch.as_tensor(inputs)
        if values.is_floating_point():
            bad = int((~torch.isfinite(values)).sum())
            if bad:
                raise ValueError(f'{name}: field "inputs" holds {bad} '
                                 f'NaN/Inf value(s)')
    label = _label_of(sample)
    if classes and label is not None:
        if isinstance(label, float) and not label.is_integer():
            raise ValueError(f'{name}: label {label!r} is not a class index')
        if not 0 <= int(label) < len(classes):
            raise ValueError(f'{name}: label {label} is out of range: '
                             f'{len(classes)} classes {tuple(classes)}')
    return label


def validate_split(cfg: Config, split: str,
                   progress: bool = True) -> SplitReport:
    """Build ``cfg``'s ``<split>_dataloader`` dataset and check every sample.

    Args:
        cfg (Config): The config (data roots already set).
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        SplitReport: Samples, per-class counts, every problem and what
        the config skips.
    """
    report = SplitReport(split)
    loader = cfg.get(f'{split}_dataloader')
    if not loader:
        return report
    with collecting() as problems:
        dataset = None
        with per_item(f'{split} dataset'):
            dataset = DATASETS.build(loader['dataset'])
        if dataset is not None:
            classes = tuple(dataset.metainfo.get('classes') or ())
            counts = Counter()
            # on stderr: the problems and the report go to stdout, each on
            # a line of its own
            bar = ProgressBar(len(dataset), file=sys.stderr) if (
                progress and len(dataset)) else None
            for i in range(len(dataset)):
                info = dataset.get_data_info(i)
                name = f'{info.get("filename", split)}[{i}]'
                with per_item(name):
                    label = _check_sample(name, dataset[i], classes)
                    if label is not None and not isinstance(
                            label, torch.Tensor):
                        key = (classes[int(label)] if classes
                               and not math.isnan(label) else label)
                        counts[str(key)] += 1
                if bar is not None:
                    bar.update()
            if bar is not None:
                sys.stderr.write('\n')
            report.samples = len(dataset)
            report.class_counts = dict(sorted(counts.items()))
            if not len(dataset):
                problems.append(f'{split}: the split is empty')
            # a class without samples is a fact of the data (e.g. a rare
            # activity): a warning, not a defect
            report.empty_classes = [n for n in classes
                                    if counts and not counts.get(n)]
            if report.empty_classes:
                problems.append(DataWarning(
                    f'{len(report.empty_classes)} of '
                    f'{len(classes)} classes {NO_SAMPLE_OF_CLASSES} '
                    f'({", ".join(report.empty_classes)}): the split\'s '
                    f'per-class scores for them are undefined'))
            report.dataset = dataset
    report.problems = list(problems)
    report.notes = problems.notes
    return report


def validate_config(cfg: Config, splits: Sequence[str] = SPLITS,
                    progress: bool = True) -> List[SplitReport]:
    """:func:`validate_split` for each of ``splits`` that ``cfg`` has, then
    the checks across splits (e.g. a split z-scored when the training split
    is not: a dataset's ``check_against(train_dataset)``)."""
    reports = [validate_split(cfg, s, progress) for s in splits
               if cfg.get(f'{s}_dataloader')]
    train = next((r.dataset for r in reports if r.split == 'train'), None)
    for report in reports:
        if (report.split == 'train' or train is None
                or not hasattr(report.dataset, 'check_against')):
            continue
        with collecting() as problems:
            with per_item(f'{report.split} dataset'):
                report.dataset.check_against(train)
        report.problems += problems
    return reports


def format_reports(reports: Sequence[SplitReport]) -> str:
    """Every problem on a line of its own (``[split] error: ...`` or
    ``[split] warning: ...``), then a summary line per split and the count
    of errors and warnings."""
    lines = []
    for report in reports:
        for note in report.notes:
            lines.append(f'[{report.split}] skipped as configured: {note}')
        for problem in report.problems:
            kind = 'warning' if isinstance(problem, DataWarning) else 'error'
            lines.append(f'[{report.split}] {kind}: {problem}')
    lines.append('Summary:')
    for report in reports:
        counts = ', '.join(f'{k}: {v}' for k, v in
                           report.class_counts.items())
        lines.append(f'  {report.split}: {report.samples} sample(s)'
                     + (f' ({counts})' if counts else '') +
                     f', {len(report.errors)} error(s), '
                     f'{len(report.warnings)} warning(s)' +
                     (f', {len(report.notes)} skip(s) as configured'
                      if report.notes else ''))
        if report.empty_classes:
            lines.append(f'    classes without samples: '
                         f'{", ".join(report.empty_classes)}')
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    lines.append(f'{errors + warnings} problem(s) found: {errors} error(s), '
                 f'{warnings} warning(s)' if errors + warnings else
                 'No problem found')
    return '\n'.join(lines)


def exit_code(reports: Sequence[SplitReport], strict: bool = False) -> int:
    """1 when a split has an error (or, with ``strict``, a warning)."""
    return int(any(r.errors or (strict and r.warnings) for r in reports))
