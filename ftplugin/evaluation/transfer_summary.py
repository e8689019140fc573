"""Did pretraining help? Paired seeds of a fine-tuned run and its twin
trained from scratch with the same budget and data."""
from typing import Dict, List

import numpy as np


def summarize_transfer(pretrained: Dict[int, float],
                       scratch: Dict[int, float], metric: str,
                       higher_is_better: bool = True) -> dict:
    """Compare the two arms over the seeds both have.

    The verdict is "helped" / "hurt" when the mean paired difference is at
    least twice its standard error (about a 95 % interval for 3+ seeds),
    else "no clear difference".

    Args:
        pretrained (dict): seed -> metric of the fine-tuned run.
        scratch (dict): seed -> metric of the from-scratch twin.
        metric (str): The metric's name (for the text).
        higher_is_better (bool): False for errors (MSE, MAE, loss).

    Returns:
        dict: ``seeds``, per-arm ``mean``/``std``, the paired
        ``difference`` (pretrained - scratch, sign as the metric),
        its ``std`` and ``stderr``, ``verdict`` and a one-line ``text``.
    """
    seeds: List[int] = sorted(set(pretrained) & set(scratch))
    if not seeds:
        raise ValueError('no seed has both a pretrained and a scratch run')
    a = np.array([pretrained[s] for s in seeds], float)
    b = np.array([scratch[s] for s in seeds], float)
    diff = a - b
    std = float(diff.std(ddof=1)) if len(seeds) > 1 else float('nan')
    stderr = std / np.sqrt(len(seeds)) if len(seeds) > 1 else float('nan')
    gain = diff.mean() if higher_is_better else -diff.mean()
    if len(seeds) > 1 and abs(gain) >= 2 * stderr and gain != 0:
        verdict = 'helped' if gain > 0 else 'hurt'
    else:
        verdict = 'no clear difference'

    def spread(x):
        return float(x.std(ddof=1)) if len(x) > 1 else float('nan')

    text = (f'pretraining {verdict}: {metric} {a.mean():.4f} ± '
            f'{spread(a):.4f} fine-tuned vs {b.mean():.4f} ± {spread(b):.4f}'
            f' from scratch, difference {diff.mean():+.4f} ± {std:.4f} '
            f'(mean ± sd over {len(seeds)} paired seed(s))')
    return dict(seeds=seeds, metric=metric,
                pretrained=dict(values=a.tolist(), mean=float(a.mean()),
                                std=spread(a)),
                scratch=dict(values=b.tolist(), mean=float(b.mean()),
                             std=spread(b)),
                difference=float(diff.mean()), std=std,
                stderr=float(stderr), verdict=verdict, text=text)
