"""Which checkpoint of a work dir to test: one rule for every caller
(k-fold, transfer study, the demo)."""
import glob
import os.path as osp
import re


def best_checkpoint(work_dir: str, fall_back_to_last: bool = False) -> str:
    """The ``best_*.pth`` the latest run in ``work_dir`` kept.

    mmengine removes only its own run's previous best file, so a work dir
    used before can hold the best file of an older run: the newest one is
    this run's.

    Args:
        work_dir (str): The run's work dir.
        fall_back_to_last (bool): Without a best file (no ``save_best`` in
            the config), return the last ``epoch_N.pth`` instead of
            failing. Defaults to False.

    Returns:
        str: The checkpoint's path.
    """
    found = glob.glob(osp.join(work_dir, 'best_*.pth'))
    if found:
        return max(found, key=osp.getmtime)
    if fall_back_to_last:
        epochs = glob.glob(osp.join(work_dir, 'epoch_*.pth'))
        if epochs:
            return max(epochs, key=lambda p: int(
                re.search(r'epoch_(\d+)\.pth$', p).group(1)))
    raise FileNotFoundError(
        f'{work_dir}: no best_*.pth' +
        ('' if not fall_back_to_last else ' and no epoch_*.pth') +
        ': set default_hooks.checkpoint.save_best to the metric to choose on')
