"""Timelines of inference on one long input (``tools/infer.py --plot``):
fall probability over a pose file, thermal action probabilities over a
recording, predicted against measured heart rate, signal quality per
window."""
import os.path as osp
import re
from typing import Optional, Sequence

import numpy as np

from .report_plots import _figure

UNIT_LABEL = {'frame': 'frame', 's': 'time (s)'}
TOP_CLASSES = 5


def timeline_name(file: str) -> str:
    """A PNG name for an input file (its path flattened)."""
    stem = re.sub(r'[^A-Za-z0-9._-]+', '_', file.strip('/'))
    return stem[-150:] + '.png'


def _positions(windows: Sequence[dict], unit: Optional[str]):
    """x of each window (its centre, or ``time_s``) and the axis label."""
    if windows and 'time_s' in windows[0]:
        return np.array([w['time_s'] for w in windows]), 'time (s)'
    if windows and 'start' in windows[0]:
        return (np.array([(w['start'] + w['end']) / 2 for w in windows]),
                f'window centre, {UNIT_LABEL.get(unit, unit)}')
    return np.arange(len(windows)), 'window'


def plot_class_timeline(record: dict, classes: Sequence[str], out_file: str,
                        unit: Optional[str] = None,
                        positive_class: Optional[int] = None) -> str:
    """Class probabilities per window of one file.

    Two classes: the probability of ``positive_class`` (e.g. ``Fall``,
    signal quality ``good``) with the 0.5 line; more: the classes that reach
    the highest probabilities (up to 5), and the predicted class of each
    window as a strip below.

    Args:
        record (dict): An inference record with ``windows``.
        classes (Sequence[str]): Class names.
        out_file (str): The PNG.
        unit (str, optional): Unit of the windows' start / end.
        positive_class (int, optional): The class plotted for two classes.
            Defaults to 1.
    """
    windows = record['windows']
    probs = np.array([w['probs'] for w in windows])
    x, xlabel = _positions(windows, unit)
    fig, axes = _figure((10, 4.2), 1, 2, sharex=True,
                        gridspec_kw=dict(height_ratios=(4, 1)))
    ax, strip = axes[0, 0], axes[1, 0]
    if probs.shape[1] == 2:
        k = 1 if positive_class is None else positive_class
        ax.plot(x, probs[:, k], marker='o', ms=3, lw=1.5,
                label=f'P({classes[k]})')
        ax.axhline(0.5, color='grey', lw=0.8, ls='--')
    else:
        top = np.argsort(-probs.max(0))[:TOP_CLASSES]
        for k in top:
            ax.plot(x, probs[:, k], marker='o', ms=2, lw=1.2,
                    label=classes[k])
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel('probability')
    ax.legend(loc='center left', bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_title(f'{osp.basename(record["file"])}: {record["pred_class"]} '
                 f'({record["score"]:.2f}), {len(windows)} windows',
                 fontsize=10)
    labels = probs.argmax(1)
    from matplotlib import colormaps
    cmap = colormaps['tab20']
    steps = np.diff(np.unique(x))
    width = float(np.median(steps)) if len(steps) else 1.0
    strip.bar(x, np.ones_like(x, dtype=float), width=width,
              color=[cmap(int(k) % 20) for k in labels])
    for k in np.unique(labels):
        first = x[np.flatnonzero(labels == k)[0]]
        strip.text(first, 0.5, classes[k], fontsize=7, va='center')
    strip.set_yticks([])
    strip.set_ylabel('predicted', fontsize=8)
    strip.set_xlabel(xlabel)
    fig.savefig(out_file, dpi=100)
    return out_file


def plot_heart_rate_timeline(record: dict, out_file: str) -> str:
    """Predicted against measured heart rate over one workout."""
    steps = record['windows']
    t = np.array([s['time_s'] for s in steps]) / 60.0
    pred = np.array([s['pred_hr'] for s in steps])
    hr = np.array([np.nan if s.get('hr') is None else s['hr']
                   for s in steps])
    fig, ax = _figure((10, 3.6))
    if np.isfinite(hr).any():
        ax.plot(t, hr, lw=1.2, color='black', label='measured')
    ax.plot(t, pred, lw=1.2, color='tab:red', label='predicted')
    ax.set_xlabel('time (min)')
    ax.set_ylabel('heart rate (BPM)')
    mae = record.get('mae_bpm')
    ax.set_title(f'{osp.basename(record["file"])}'
                 + (f': MAE {mae:.1f} BPM' if mae is not None else ''),
                 fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    return out_file
