from typing import Dict
from functools import partial

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..utils.atomic_io import atomic_write_with


def plot_kfold(result: Dict, out_file: str) -> str:
    """Held-out accuracy of each fold (dots, one colour per seed) and the
    pooled accuracy of each seed (line), as written by ``run_kfold``.

    Args:
        result (dict): The k-fold result (``runs``, ``summary``).
        out_file (str): PNG path.

    Returns:
        str: ``out_file``.
    """
    # Agg canvas on a bare Figure: no global matplotlib backend is touched
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    seeds = result['seeds']
    for i, seed in enumerate(seeds):
        runs = [r for r in result['runs'] if r['seed'] == seed]
        folds = np.array([r['fold'] for r in runs])
        accs = 100 * np.array([r['accuracy'] for r in runs])
        line = ax.plot(folds + 0.08 * (i - (len(seeds) - 1) / 2), accs, 'o',
                       label=f'seed {seed}')[0]
        pooled = 100 * result['summary']['pooled_accuracy_per_seed'][
            str(seed)]
        ax.axhline(pooled, color=line.get_color(), lw=1, ls='--')
    summary = result['summary']
    ax.set_title(f"{result['num_folds']}-fold, {len(seeds)} seed(s): "
                 f"{100 * summary['fold_accuracy_mean']:.1f} ± "
                 f"{100 * summary['fold_accuracy_std']:.1f} % per fold, "
                 f"pooled {100 * summary['pooled_accuracy_mean']:.1f} %",
                 fontsize=9)
    ax.set_xlabel('held-out fold')
    ax.set_ylabel('accuracy (%)')
    ax.set_xticks(range(result['num_folds']))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_write_with(out_file, partial(fig.savefig, dpi=120))
    return out_file
