from typing import Dict, Optional
from functools import partial

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..utils.atomic_io import atomic_write_with


def plot_transfer(summary: Dict, out_file: str,
                  title: Optional[str] = None) -> str:
    """The test metric of each seed's fine-tuned and from-scratch run (a
    line joins a seed's pair) with each arm's mean ± sd, as summarised by
    :func:`~ftplugin.evaluation.summarize_transfer`.

    Args:
        summary (dict): ``seeds``, ``pretrained``/``scratch`` (``values``,
            ``mean``, ``std``), ``metric``, ``verdict``, ``difference``.
        out_file (str): PNG path.
        title (str, optional): First title line (e.g. the config's name).

    Returns:
        str: ``out_file``.
    """
    # Agg canvas on a bare Figure: no global matplotlib backend is touched
    fig = Figure(figsize=(5, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    arms = [('pretrained', 'fine-tuned'), ('scratch', 'from scratch')]
    values = np.array([summary[arm]['values'] for arm, _ in arms])
    for i, seed in enumerate(summary['seeds']):
        line = ax.plot([0, 1], values[:, i], '-', color='0.6', lw=1,
                       zorder=1)[0]
        ax.plot([0, 1], values[:, i], 'o', color=line.get_color(), ms=5,
                zorder=2)
        ax.annotate(f'seed {seed}', (1, values[1, i]), xytext=(6, 0),
                    textcoords='offset points', va='center', fontsize=8,
                    color='0.4')
    for x, (arm, label) in enumerate(arms):
        mean, std = summary[arm]['mean'], summary[arm]['std']
        ax.errorbar(x - 0.12, mean, yerr=0 if np.isnan(std) else std,
                    fmt='s', color='C0' if x == 0 else 'C1', capsize=4,
                    ms=7, zorder=3, label=f'{label} mean ± sd')
    ax.set_xticks([0, 1], [label for _, label in arms])
    ax.set_xlim(-0.5, 1.6)
    ax.set_ylabel(f"test {summary['metric']}")
    head = f'{title}\n' if title else ''
    ax.set_title(f"{head}pretraining {summary['verdict']}: difference "
                 f"{summary['difference']:+.4f} "
                 f"({len(summary['seeds'])} seed(s))", fontsize=9)
    ax.grid(axis='y', alpha=0.3)
    ax.legend(fontsize=8, loc='best')
    fig.tight_layout()
    atomic_write_with(out_file, partial(fig.savefig, dpi=120))
    return out_file
