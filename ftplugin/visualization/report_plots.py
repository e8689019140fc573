"""Report plots shared by every family: training curves, confusion matrix."""
from functools import partial
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..utils.atomic_io import atomic_write_with


def _figure(figsize, ncols=1, nrows=None, **kwargs):
    """A figure drawn by the Agg canvas, whatever pyplot's backend is:
    plots are written to files only, and importing ftplugin must not switch
    the user's matplotlib backend.

    ``nrows`` given: a (nrows, ncols) array of axes and a constrained
    layout (legends beside the axes keep their room)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    if nrows is None:
        fig = Figure(figsize=figsize)
        FigureCanvasAgg(fig)
        return fig, fig.subplots(1, ncols)
    fig = Figure(figsize=figsize, layout='constrained')
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, squeeze=False, **kwargs)


def _cmap(name: str):
    from matplotlib import colormaps
    return colormaps[name]


def _series(history: List[Dict], split: str, key: str) -> np.ndarray:
    return np.array([h.get(split, {}).get(key, np.nan) for h in history],
                    dtype=float)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scale(key: str, values: np.ndarray) -> str:
    """'fraction' (all in [0, 1]), 'percent' (the original projects' flat
    accuracy names, 0-100) or 'value' (anything else, e.g. BPM)."""
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() >= 0 and finite.max() <= 1:
        return 'fraction'
    if '/' not in key and 'acc' in key and finite.size and \
            finite.min() >= 0 and finite.max() <= 100:
        return 'percent'
    return 'value'


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    both = np.isfinite(a) & np.isfinite(b)
    return bool(both.any()) and np.allclose(a[both], b[both], rtol=1e-4,
                                            atol=1e-6)


def metric_panels(history: List[Dict]) -> Dict[str, List[tuple]]:
    """Group the numeric series of a history into panels.

    One panel per quantity and scale: losses; each metric family (the part
    of the name before ``/``) in its own panel, per-class accuracies apart
    from the overall ones; 0-1 fractions never share an axis with 0-100
    percentages. A series that repeats another one (the original projects'
    percent names, e.g. ``accuracy`` = 100 x ``acc/top1``) is drawn once.

    Args:
        history (list[dict]): ``TrainingHistoryHook`` entries.

    Returns:
        dict: panel title -> ``[(label, split, key), ...]``.
    """
    found = []
    for split in ('train', 'val'):
        keys = sorted({k for h in history
                       for k, v in h.get(split, {}).items()
                       if _is_number(v)})
        found += [(split, k, _series(history, split, k)) for k in keys]
    kept = []
    # flat names after the namespaced ones: the aliases are the flat ones
    for split, key, values in sorted(found, key=lambda f: '/' not in f[1]):
        alias = '/' not in key and any(
            s == split and (_same(values, v) or _same(values, 100 * v))
            for s, k, v in kept)
        if not alias:
            kept.append((split, key, values))
    panels: Dict[str, List[tuple]] = {}
    overall = ('top', 'mean', 'overall')
    for split, key, values in kept:
        if key.endswith(COUNT_KEYS):  # a count, not a score: the log has it
            continue
        scale = _scale(key, values)
        if 'loss' in key:
            title = 'loss'
        else:
            group, _, rest = key.rpartition('/')
            group = group or ('acc' if 'acc' in key else key)
            if group == 'acc' and '/' in key and not rest.startswith(
                    overall):
                group = 'acc per class'
            if group in ('precision', 'recall', 'f1', 'auc'):
                group = 'precision, recall, f1, auc'
            if rest.endswith('mse') and not rest.endswith('rmse'):
                group += ' squared error'  # unit squared: its own axis
            title = group if scale == 'value' else f'{group} ({scale})'
        panels.setdefault(title, []).append((f'{split} {key}', split, key))
    return panels


def _stage_spans(history: List[Dict]) -> List[tuple]:
    """(first epoch, last epoch, stage) of each unfreezing stage."""
    spans = []
    for h in history:
        stage = h.get('stage')
        if stage is None:
            continue
        if spans and spans[-1][2] == stage:
            spans[-1] = (spans[-1][0], h['epoch'], stage)
        else:
            spans.append((h['epoch'], h['epoch'], stage))
    return spans


def shade_stages(ax, spans: List[tuple]) -> None:
    """Shade unfreezing stages (alternating grey, labelled at the top)."""
    for i, (first, last, stage) in enumerate(spans):
        ax.axvspan(first - 0.5, last + 0.5, color='0.5',
                   alpha=0.08 if i % 2 == 0 else 0.2, lw=0)
        ax.text((first + last) / 2, 1.0, f'stage {stage}', fontsize=7,
                ha='center', va='bottom', color='0.35',
                transform=ax.get_xaxis_transform())


# metric entries that count classes rather than score them
COUNT_KEYS = ('classes_without_gt', )
# y-axis units of the panels whose metric names do not say them
UNITS = {'hr': 'BPM', 'hr squared error': 'BPM²'}
MARKERS = ('o', 's', '^', 'D', 'v', 'P', 'X', '<', '>', '*')


def distinct_colors(n: int) -> list:
    """n colours that differ (tab10, then tab20, then a hue sweep)."""
    if n <= 10:
        return [_cmap('tab10')(i) for i in range(n)]
    if n <= 20:
        return [_cmap('tab20')(i) for i in range(n)]
    return [_cmap('hsv')(i / n) for i in range(n)]


def _epoch_axis(ax, steps: Sequence[int]) -> None:
    """Integer ticks; a margin of half a step around few points (one
    epoch alone otherwise gets ticks like 0.995, 1.000, 1.005)."""
    from matplotlib.ticker import MaxNLocator
    if steps:
        ax.set_xlim(min(steps) - 0.5, max(steps) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def plot_training_curves(history: List[Dict], out_file: str) -> str:
    """Per-epoch curves, one panel per quantity and scale, plus the lr.

    Unfreezing stages (``'stage'`` of the entries) are shaded, every
    series of a panel has its own colour, legends sit beside the axes.

    Args:
        history (list[dict]): Entries ``{'epoch', 'train': {...}, 'val':
            {...}, 'lr'}`` as written by ``TrainingHistoryHook``.
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    epochs = [h['epoch'] for h in history]
    panels = metric_panels(history)
    titles = sorted(panels, key=lambda t: (t != 'loss', t))
    titles.append('learning rate')
    ncols = 2 if len(titles) > 1 else 1
    nrows = -(-len(titles) // ncols)
    fig, axes = _figure((7.5 * ncols, 3.2 * nrows), ncols, nrows)
    spans = _stage_spans(history)
    for ax, title in zip(axes.flat, titles):
        if title == 'learning rate':
            ax.plot(epochs, [h.get('lr', np.nan) for h in history],
                    marker='.', color='k')
            ax.set_yscale('log')
        else:
            series = panels[title]
            # series of equal values (all 0, or acc/top1 = mean_class on
            # balanced data) would hide each other: each later one is
            # thinner, with its own smaller marker, so all stay visible
            for i, ((label, split, key), color) in enumerate(zip(
                    series, distinct_colors(len(series)))):
                ax.plot(epochs, _series(history, split, key),
                        marker=MARKERS[i % len(MARKERS)],
                        ms=max(7.5 - 1.2 * i, 3), lw=max(2.6 - 0.4 * i, 1),
                        mfc='none' if i % 2 == 0 else color,
                        color=color, label=label,
                        ls='-' if split == 'val' else '--')
            if title.split(' (')[0] in UNITS:
                ax.set_ylabel(UNITS[title.split(' (')[0]])
            if title.endswith('(fraction)'):
                ax.set_ylim(-0.02, 1.02)
            elif title.endswith('(percent)'):
                ax.set_ylim(-2, 102)
            ax.legend(fontsize=7, loc='upper left',
                      bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                      ncol=1 if len(series) <= 12 else 2)
        shade_stages(ax, spans)
        ax.set_title(title, fontsize=10, pad=12 if spans else 6)
        ax.set_xlabel('epoch')
        _epoch_axis(ax, epochs)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(titles):]:
        ax.remove()
    atomic_write_with(out_file, partial(fig.savefig, dpi=100))
    return out_file


def plot_confusion_matrix(matrix: Sequence[Sequence[int]],
                          class_names: Optional[Sequence[str]],
                          out_file: str,
                          title: str = 'Confusion matrix') -> str:
    """Heat map of a confusion matrix with counts and row percentages.

    Args:
        matrix (Sequence[Sequence[int]]): Rows = truth, columns = prediction.
        class_names (Sequence[str], optional): Tick labels.
        out_file (str): PNG path.
        title (str): Figure title.

    Returns:
        str: ``out_file``.
    """
    import seaborn as sns
    matrix = np.asarray(matrix)
    names = list(class_names or range(len(matrix)))
    rows = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    labels = np.array([[f'{n}\n{100 * n / r:.0f}%' for n in row]
                       for row, r in zip(matrix, rows[:, 0])])
    size = max(4, 0.6 * len(names) + 2)
    # room for the tick labels: long class names would squash the matrix
    margin = 0.075 * max(len(str(n)) for n in names)
    fig, ax = _figure((size + 1 + margin, size + margin))
    sns.heatmap(matrix / rows, annot=labels, fmt='', cmap='Blues', vmin=0,
                vmax=1, xticklabels=names, yticklabels=names, ax=ax,
                cbar_kws=dict(label='fraction of true class'))
    ax.set(xlabel='predicted', ylabel='true', title=title)
    fig.tight_layout()
    atomic_write_with(out_file, partial(fig.savefig, dpi=100))
    return out_file


def plot_iteration_curves(records: List[Dict], out_file: str) -> str:
    """Training losses and lr per logged iteration (``scalars.json``).

    Args:
        records (list[dict]): The training lines of ``scalars.json``
            (``step`` plus ``loss*`` and ``lr`` values).
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    steps = [r['step'] for r in records]
    losses = []
    for key in sorted({k for r in records for k in r if 'loss' in k}):
        values = np.array([r.get(key, np.nan) for r in records], float)
        # the total equals its only part when there is one: draw it once
        if not any(_same(values, np.array([r.get(k, np.nan)
                                            for r in records], float))
                   for k in losses):
            losses.append(key)
    fig, axes = _figure((15, 3.4), 2, 1)
    ax_loss, ax_lr = axes[0]
    for key, color in zip(losses, distinct_colors(len(losses))):
        ax_loss.plot(steps, [r.get(key, np.nan) for r in records],
                     color=color, label=key, lw=1)
    ax_loss.set(title='training loss (logged iterations)', xlabel='iteration')
    if losses:
        ax_loss.legend(fontsize=7, loc='upper left',
                       bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax_lr.plot(steps, [r.get('lr', np.nan) for r in records], color='k',
               lw=1)
    ax_lr.set(title='learning rate', xlabel='iteration', yscale='log')
    for ax in (ax_loss, ax_lr):
        ax.grid(alpha=0.3)
        _epoch_axis(ax, steps)
        if len(steps) < 20:  # few logged points: show each
            for line in ax.get_lines():
                line.set_marker('.')
    atomic_write_with(out_file, partial(fig.savefig, dpi=100))
    return out_file


def plot_error_by_step(abs_errors: np.ndarray, out_file: str,
                       unit: str = 'BPM') -> str:
    """Mean absolute error (and its 25-75 % band) at each time step.

    Args:
        abs_errors (np.ndarray): (N, T) absolute errors, NaN where a step
            is not scored (padding, masked).
        out_file (str): PNG path.
        unit (str): Unit of the errors. Defaults to ``'BPM'``.

    Returns:
        str: ``out_file``.
    """
    steps = np.arange(abs_errors.shape[1])
    scored = np.isfinite(abs_errors).sum(axis=0)
    keep = scored > 0
    err = abs_errors[:, keep]
    fig, axes = _figure((10, 5), 1, 2, sharex=True,
                        gridspec_kw=dict(height_ratios=(3, 1)))
    ax, ax_n = axes[:, 0]
    ax.fill_between(steps[keep], np.nanpercentile(err, 25, axis=0),
                    np.nanpercentile(err, 75, axis=0), color='tab:blue',
                    alpha=0.2, lw=0, label='25-75 % of sequences')
    ax.plot(steps[keep], np.nanmean(err, axis=0), color='tab:blue',
            label='mean absolute error')
    ax.set(ylabel=f'absolute error ({unit})',
           title='error by time step (test set)')
    ax.legend(fontsize=8, loc='upper left', bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0)
    ax_n.plot(steps, scored, color='0.4')
    ax_n.set(xlabel='time step', ylabel='sequences')
    for a in (ax, ax_n):
        a.grid(alpha=0.3)
    atomic_write_with(out_file, partial(fig.savefig, dpi=100))
    return out_file


def plot_per_class_ap(ap: Dict[str, float], out_file: str,
                      baseline: Optional[float] = None) -> str:
    """Horizontal bars of the average precision of each class.

    Args:
        ap (dict): class name -> AP in [0, 1].
        out_file (str): PNG path.
        baseline (float, optional): The mAP a constant score per class
            gets (``mAP/constant_baseline``), drawn as a dashed line.

    Returns:
        str: ``out_file``.
    """
    names = sorted(ap, key=ap.get)
    fig, axes = _figure((7, 0.3 * len(names) + 1.2), 1, 1)
    ax = axes[0, 0]
    ax.barh(names, [ap[n] for n in names], color='tab:blue')
    for i, n in enumerate(names):
        ax.text(ap[n] + 0.01, i, f'{ap[n]:.2f}', va='center', fontsize=7)
    if baseline is not None:
        ax.axvline(baseline, color='0.3', ls='--', lw=1,
                   label=f'constant-score baseline {baseline:.2f}')
        ax.legend(fontsize=7, loc='lower right')
    ax.set(xlim=(0, 1.08), xlabel='average precision',
           title='AP per class (test set)')
    ax.grid(alpha=0.3, axis='x')
    atomic_write_with(out_file, partial(fig.savefig, dpi=100))
    return out_file


__all__ = [
    'metric_panels', 'plot_confusion_matrix', 'plot_error_by_step',
    'plot_iteration_curves', 'plot_per_class_ap', 'plot_training_curves'
]
