"""mmengine's ``Runner.save_checkpoint`` runs ``git rev-parse HEAD`` (a
subprocess, through ``get_git_hash``) for the meta of every checkpoint:
7-15 ms per save on a loaded 2-core machine, the largest part of the
runner's per-epoch cost after the checkpoint's own bytes on small models
(``bench/bench_train_step.py``; no upstream fix). The hash of the working
directory's repository does not change during a run: it is looked up once
per process and directory.
"""
import functools
import os

from .versions import affected


def apply() -> None:
    """Make the runner module's ``get_git_hash`` remember its answer."""
    if not affected('checkpoint_git_hash', 'mmengine', '<=0.10.7'):
        return
    import mmengine.runner.runner as runner_module
    original = runner_module.get_git_hash
    if getattr(original, '_ftplugin_cached', False):
        return

    @functools.lru_cache(maxsize=None)
    def _cached(cwd, fallback, digits):
        return original(fallback=fallback, digits=digits)

    @functools.wraps(original)
    def get_git_hash(fallback='unknown', digits=None):
        return _cached(os.getcwd(), fallback, digits)

    get_git_hash._ftplugin_cached = True
    runner_module.get_git_hash = get_git_hash
