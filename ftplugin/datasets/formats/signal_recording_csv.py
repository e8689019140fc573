"""Long multi-channel signal recordings as CSV: one column per channel,
named in the header (e.g. ``ACC_X,ACC_Y,ACC_Z,PPG,ECG``), one row per
sample, and optionally a ``time`` column in seconds that gives the sample
rate; cut into a model's windows at inference.
"""
import re
from typing import Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .checks import read_csv_table
from .signal_recording_npz import order_channels
from .signal_windows_npz import check_unique_channels

TIME_COLUMNS = ('time', 'time_s', 'timestamp')


def read_signal_recording_csv(path: str, channels: Sequence[str],
                              sample_rate: Optional[float] = None
                              ) -> Tuple[np.ndarray, float]:
    """Read a recording: ``(len(channels), T)`` float32 and its rate (Hz).

    The rate is that of the ``time`` column (seconds; uniform within 1 %),
    else ``sample_rate``.

    Args:
        path (str): The CSV.
        channels (Sequence[str]): The channels wanted (columns), in order.
        sample_rate (float, optional): The rate when there is no time
            column.
    """
    table = read_csv_table(
        path, f'expected a header with the channels {list(channels)}')
    names = [str(c).strip() for c in table.columns]
    table.columns = names
    # pandas renames a repeated column "PPG" to "PPG.1"
    check_unique_channels(path, 'header', [
        re.sub(r'\.\d+$', '', n) if re.sub(r'\.\d+$', '', n) in names
        else n for n in names])
    missing = [c for c in channels if c not in names]
    if missing:
        raise ValueError(f'{path}: column(s) {missing} missing; the header '
                         f'has {names}')
    for column in channels:
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise ValueError(f'{path}: column {column!r} is not numeric')
    signals = order_channels(path, 'columns',
                             table[list(channels)].to_numpy().T, channels,
                             channels)
    time_column = next((c for c in TIME_COLUMNS if c in names), None)
    if time_column is not None:
        steps = np.diff(table[time_column].to_numpy(dtype=np.float64))
        step = float(np.median(steps)) if len(steps) else float('nan')
        if not step > 0 or np.abs(steps - step).max() > 0.01 * step:
            raise ValueError(f'{path}: column {time_column!r} must increase '
                             f'by one sample period (uniform sampling)')
        return signals, 1.0 / step
    if sample_rate is None:
        raise ValueError(f'{path}: no column {TIME_COLUMNS[0]!r} (seconds): '
                         f'give the recording\'s rate in Hz (--sample-rate)')
    return signals, float(sample_rate)
