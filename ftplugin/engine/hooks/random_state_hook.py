from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from ...datasets.samplers.seeded_index_sampler import find_seeded_sampler
from ...utils.random_state import get_generator_states, set_generator_states


def get_random_state(runner) -> dict:
    """Every random-number state a training run draws from, as plain data
    (python, numpy, torch CPU and CUDA generators, the train sampler's
    seed; the sampler's order follows from that seed and the epoch)."""
    sampler = getattr(runner.train_dataloader, 'sampler', None)
    python, numpy, cpu = get_generator_states()
    return dict(
        python=python,
        numpy=numpy,
        torch=cpu,
        cuda=(torch.cuda.get_rng_state_all()
              if torch.cuda.is_available() else []),
        sampler_seed=getattr(sampler, 'seed', None))


def set_random_state(runner, state: dict) -> None:
    """Restore what :func:`get_random_state` returned."""
    set_generator_states((state['python'], state['numpy'], state['torch']))
    if state['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])
    sampler = getattr(runner.train_dataloader, 'sampler', None)
    if state.get('sampler_seed') is not None and hasattr(sampler, 'seed'):
        sampler.seed = state['sampler_seed']


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save the random-number state with every checkpoint; restore it on
    ``--resume``, so that a resumed run draws the same dropout masks,
    augmentations and batch orders as an uninterrupted one.

    The state is restored at the start of the first epoch after the resume
    (before any other hook), i.e. at the point where the uninterrupted run
    continued after writing that checkpoint. Augmentations drawn in
    dataloader workers repeat when the dataset takes per-sample seeds
    (:class:`~ftplugin.datasets.SeededIndexSampler`, persistent workers
    or not) or when the workers are restarted each epoch; with persistent
    workers and no per-sample seeds the hook warns. A checkpoint written
    without it resumes with a warning that the run will not repeat exactly.
    """
    priority = 'HIGHEST'

    def __init__(self) -> None:
        self._to_restore: Optional[dict] = None
        self._before_val: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['random_state'] = get_random_state(runner)

    def before_val_epoch(self, runner) -> None:
        if isinstance(getattr(runner, '_train_loop', None), BaseLoop):
            self._before_val = get_random_state(runner)  # while training

    def after_val_epoch(self, runner, metrics=None) -> None:
        # before the checkpoint hook saves (this hook runs first): a
        # validation never changes the training's random stream, whether its
        # loader draws a seed now (a fresh iterator, a resumed run's first
        # validation) or not (persistent workers started earlier)
        if self._before_val is not None:
            set_random_state(runner, self._before_val)
            self._before_val = None

    def before_train(self, runner) -> None:
        loader = runner.train_dataloader
        if (getattr(loader, 'num_workers', 0) > 0
                and getattr(loader, 'persistent_workers', False)
                and find_seeded_sampler(loader) is None):
            runner.logger.warning(
                'train_dataloader.persistent_workers=True without per-sample '
                'seeds (a dataset with SeededSampleMixin): its workers keep '
                'their random state from epoch to epoch, which a checkpoint '
                'cannot hold, so a resumed run will not repeat the '
                'augmentations of an uninterrupted one (set it to False for '
                'exact resume)')

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not getattr(runner, '_resume', False):
            return  # load_from: weights only, the run's own randomness
        self._to_restore = checkpoint.get('random_state')
        if self._to_restore is None:
            runner.logger.warning(
                'The resumed checkpoint carries no random state: the rest of '
                'the run will not repeat an uninterrupted one exactly')

    def before_train_epoch(self, runner) -> None:
        if self._to_restore is not None:
            set_random_state(runner, self._to_restore)
            self._to_restore = None
