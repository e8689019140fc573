"""AlphAction's predictions CSV: ``video,timestamp,x1,y1,x2,y2,action_id,
score`` with coordinates normalised to [0, 1] and the original class id.
"""
import csv
import os
import os.path as osp
from typing import Iterable, List, Sequence



CSV_FIELDS = ('video', 'timestamp', 'x1', 'y1', 'x2', 'y2', 'action_id',
              'score')
CSV_TYPES = (str, int, float, float, float, float, int, float)


def write_predictions_csv(path: str, rows: Iterable[Sequence]) -> int:
    """Write AlphAction's predictions CSV; return the number of rows.

    Args:
        path (str): Output file (no header, as AlphAction's).
        rows (Iterable[Sequence]): ``(video, timestamp, x1, y1, x2, y2,
            action_id, score)`` with coordinates in [0, 1].
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    count = 0
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        for video, ts, x1, y1, x2, y2, action, score in rows:
            writer.writerow([video, int(ts)] + [
                f'{min(max(float(v), 0.0), 1.0):.4f}'
                for v in (x1, y1, x2, y2)] + [int(action),
                                              f'{float(score):.6f}'])
            count += 1
    return count


def read_predictions_csv(path: str) -> List[tuple]:
    """Rows of a predictions CSV, typed: ``(video, ts, x1, y1, x2, y2,
    action_id, score)``."""
    out = []
    with open(path, newline='') as f:
        for i, row in enumerate(csv.reader(f)):
            if len(row) != len(CSV_FIELDS):
                raise ValueError(f'{path}: line {i + 1} has {len(row)} '
                                 f'fields, expected {CSV_FIELDS}')
            values = []
            for name, kind, value in zip(CSV_FIELDS, CSV_TYPES, row):
                try:
                    values.append(kind(value))
                except ValueError:
                    raise ValueError(
                        f'{path}: line {i + 1} field {name!r} is {value!r}, '
                        f'expected {kind.__name__}') from None
            out.append(tuple(values))
    return out
