"""Inference records as tables: CSV (one row per file, or per window with
``per_window``), JSON (records nested, with the spec and a summary), and
AlphAction's predictions CSV for ava_custom."""
import csv
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from ..datasets.formats.ava_predictions_csv import write_predictions_csv
from ..utils.atomic_io import atomic_open, atomic_write_json

# the per-window fields renamed with their unit in the CSV header
SPAN_KEYS = ('start', 'end')


def _flat(record: dict, classes: Sequence[str]) -> dict:
    """A record or window as one row: ``probs`` as ``prob_<class>``."""
    row = {}
    for key, value in record.items():
        if key == 'windows':
            continue
        if key == 'probs':
            for i, p in enumerate(value):
                name = classes[i] if i < len(classes) else f'class_{i}'
                row[f'prob_{name}'] = p
        else:
            row[key] = value
    return row


def result_rows(records: Sequence[dict], classes: Sequence[str],
                per_window: bool = False,
                unit: Optional[str] = None) -> Tuple[List[str], List[dict]]:
    """``(header, rows)`` of the records.

    Args:
        records (Sequence[dict]): From ``ftplugin.apis.inference``.
        classes (Sequence[str]): Class names (for ``prob_<class>``).
        per_window (bool): One row per window (time step) of each record,
            with its ``file``, instead of one per record.
        unit (str, optional): Unit of window ``start`` / ``end``
            (``'frame'``, ``'s'``): the columns become ``start_<unit>``,
            ``end_<unit>``.
    """
    rows = []
    for record in records:
        if not per_window:
            rows.append(_flat(record, classes))
            continue
        for window in record.get('windows', []):
            row = dict(file=record['file'])
            for key, value in _flat(window, classes).items():
                if key in SPAN_KEYS and unit:
                    key = f'{key}_{unit}'
                row[key] = value
            rows.append(row)
    header: List[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    return header, rows


def write_results(path: str, records: Sequence[dict], spec: dict,
                  per_window: bool = False, unit: Optional[str] = None,
                  summary: Optional[dict] = None) -> str:
    """Write ``.csv`` (rows, see :func:`result_rows`) or ``.json`` (the
    nested records, the spec's family / classes / sources and the
    summary); return the path."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    classes = spec.get('classes') or []
    if path.lower().endswith('.json'):
        atomic_write_json(
            path, dict(family=spec['family'], classes=classes,
                       window_unit=unit, sources=spec.get('sources'),
                       summary=summary or {}, records=list(records)),
            indent=1)
        return path
    if not path.lower().endswith('.csv'):
        raise ValueError(f'--out {path}: write a .csv or a .json file')
    header, rows = result_rows(records, classes, per_window, unit)
    with atomic_open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=header or ['file'])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ('' if v is None else v)
                             for k, v in row.items()})
    return path


def write_ava_csv(path: str, records: Sequence[dict],
                  category_ids: Optional[Sequence[int]]) -> int:
    """AlphAction's predictions CSV (``tools/test.py``'s layout): one row
    per person box and class, the original class ids."""
    def rows():
        for r in records:
            for k, score in enumerate(r['probs']):
                action = category_ids[k] if category_ids else k
                yield (r['video'], r['timestamp'], r['x1'], r['y1'], r['x2'],
                       r['y2'], action, score)

    return write_predictions_csv(path, rows())


def summary_line(summary: Dict[str, float]) -> str:
    """``N files, W windows in S s: R windows/s (F files/s)[, K skipped]``."""
    line = (f'{summary["files"]} file(s), {summary["records"]} record(s), '
            f'{summary["windows"]} window(s) in {summary["seconds"]:.1f} s: '
            f'{summary["windows_per_s"]:.1f} windows/s, '
            f'{summary["files_per_s"]:.2f} files/s')
    if summary.get('skipped'):
        line += f'; {summary["skipped"]} skipped'
    return line
