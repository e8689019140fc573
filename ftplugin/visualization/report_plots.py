"""Report plots shared by every family: training curves, confusion matrix."""
from typing import Dict, List, Optional, Sequence

import numpy as np


def _figure(figsize, ncols=1):
    """A figure drawn by the Agg canvas, whatever pyplot's backend is:
    plots are written to files only, and importing ftplugin must not switch
    the user's matplotlib backend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, ncols)
    return fig, axes


def plot_training_curves(history: List[Dict], out_file: str) -> str:
    """Plot per-epoch losses, validation metrics and learning rate.

    Args:
        history (list[dict]): Entries ``{'epoch', 'train': {...}, 'val':
            {...}, 'lr'}`` as written by ``TrainingHistoryHook``.
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    epochs = [h['epoch'] for h in history]
    fig, axes = _figure((15, 4), ncols=3)

    def curve(ax, split, key, label):
        ax.plot(epochs, [h.get(split, {}).get(key, np.nan) for h in history],
                marker='.', label=label)

    train_keys = sorted({k for h in history for k in h.get('train', {})})
    for key in train_keys:
        # losses on the left, training accuracies beside the val metrics
        curve(axes[0 if 'loss' in key else 1], 'train', key, f'train {key}')
    axes[0].set(title='Training losses', xlabel='epoch')
    val_keys = sorted({k for h in history for k, v in h.get('val', {}).items()
                       if isinstance(v, (int, float))})
    for key in val_keys:
        curve(axes[1], 'val', key, f'val {key}')
    axes[1].set(title='Accuracy and validation metrics', xlabel='epoch')
    axes[2].plot(epochs, [h.get('lr', np.nan) for h in history], marker='.')
    axes[2].set(title='Learning rate', xlabel='epoch', yscale='log')
    for ax in axes[:2]:
        if ax.lines:
            ax.legend(fontsize=7)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
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
    fig.savefig(out_file, dpi=100)
    return out_file


__all__ = ['plot_training_curves', 'plot_confusion_matrix']
