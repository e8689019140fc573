"""The torch intra-op thread count of a run: ``env_cfg.torch_num_threads``."""
import os
from typing import Optional, Union

import torch
from mmengine.logging import print_log


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def resolve_num_threads(setting: Union[int, str, None],
                        num_workers: int = 0,
                        local_world_size: int = 1) -> Optional[int]:
    """The thread count ``env_cfg.torch_num_threads`` asks for.

    Args:
        setting (int | str | None): A positive int is used as given;
            ``'auto'`` takes ``OMP_NUM_THREADS`` when the environment sets
            it, else the usable cores left over by the training
            dataloader's workers (each worker runs on one thread), shared
            by the processes of this machine, at least 1; None leaves
            torch's own default (one thread per physical core, which
            oversubscribes a machine as soon as workers or other processes
            run).
        num_workers (int): Workers of the training dataloader.
        local_world_size (int): Training processes on this machine.

    Returns:
        int | None: The count, or None for "leave it".
    """
    if setting is None:
        return None
    if setting == 'auto':
        env = os.environ.get('OMP_NUM_THREADS')
        if env and env.isdigit() and int(env) > 0:
            return int(env)
        return max(1, (_usable_cores() - num_workers) //
                   max(1, local_world_size))
    if isinstance(setting, bool) or not isinstance(setting, int) \
            or setting < 1:
        raise ValueError(f'env_cfg.torch_num_threads must be a positive int, '
                         f'"auto" or None, got {setting!r}')
    return setting


def apply_thread_settings(env_cfg: Optional[dict],
                          num_workers: int = 0) -> Optional[int]:
    """Set torch's intra-op threads from ``env_cfg.torch_num_threads``.

    Called by :class:`~ftplugin.engine.FineTuneRunner` when it sets up its
    environment, so ``tools/train.py``, ``tools/test.py`` and mmaction2's
    own tools all apply it.

    Args:
        env_cfg (dict, optional): The config's ``env_cfg``; a missing key
            means ``'auto'``.
        num_workers (int): Workers of the training dataloader.

    Returns:
        int | None: The count set, None when left alone.
    """
    setting = (env_cfg or {}).get('torch_num_threads', 'auto')
    local = int(os.environ.get('LOCAL_WORLD_SIZE', '1'))
    threads = resolve_num_threads(setting, num_workers, local)
    if threads is not None and threads != torch.get_num_threads():
        torch.set_num_threads(threads)
        print_log(f'torch intra-op threads: {threads} '
                  f'(env_cfg.torch_num_threads={setting!r})',
                  logger='current')
    return threads
