import copy
import os
import os.path as osp

import torch
from mmaction.registry import DATASETS, RUNNERS
from mmengine.config import Config
from mmengine.dist import get_rank, is_main_process
from mmengine.runner import IterBasedTrainLoop, Runner
from mmengine.runner.base_loop import BaseLoop

from ..checkpoint import check_resume_fit, load_pretrained
from ..checkpoint.loading import resolve_last_checkpoint
from ..datasets.samplers.seeded_index_sampler import (SeededIndexSampler,
                                             find_seeded_sampler)
from ..utils.threads import apply_thread_settings
from .stages.scheduler_fitting import fit_schedulers
from .class_set import (ClassSetError, check_class_set,
                        checkpoint_class_problems, resolve_auto_classes)
from .trained_settings import check_trained_settings
from .work_dir_lock import WorkDirLock
from .worker_init import resumable_worker_init_fn


def _accepts_seeded_index(dataset) -> bool:
    """Whether a dataset (or its config) takes ``(index, seed)`` and draws
    augmentations: a ``test_mode`` one (validation, test) draws none, so
    its samples are not given seeds (which would cost a generator save and
    restore per sample in the main process, for nothing)."""
    if isinstance(dataset, dict):
        test_mode = dataset.get('test_mode', False)
        dataset = dataset.get('type')
        if isinstance(dataset, str):
            dataset = DATASETS.get(dataset)
    else:
        test_mode = getattr(dataset, 'test_mode', False)
    return (bool(getattr(dataset, 'accepts_seeded_index', False))
            and not test_mode)


def _is_seeded_sampler(sampler) -> bool:
    kind = sampler.get('type') if isinstance(sampler, dict) else sampler
    return kind in ('SeededIndexSampler', SeededIndexSampler) or isinstance(
        kind, SeededIndexSampler)


LOAD_CFG_KEYS = ('key_map', 'inflate', 'required', 'skip', 'strict',
                 'scratch_config', 'allow_input_drift')
# the default hooks mmengine itself knows; it accepts None only for these
MMENGINE_DEFAULT_HOOKS = ('runtime_info', 'timer', 'sampler_seed', 'logger',
                          'param_scheduler', 'checkpoint')


class MissingPretrainedError(ValueError):
    """A fine-tuning config (``load_cfg.required``) runs without
    ``load_from``."""


class _FormatOnceConfig(Config):
    """A ``Config`` that formats its text once per content.

    mmengine formats the whole config with yapf for the log, the visualizer
    and the meta of every checkpoint: about 1.4 s each time on a loaded
    2-core machine, which doubled the epoch time of the small pose model
    (measured by ``bench/bench_train_step.py``).
    """

    @property
    def pretty_text(self) -> str:
        key = repr(self._cfg_dict)
        cached = self.__dict__.get('_text_cache')
        if cached is None or cached[0] != key:
            cached = (key, Config.pretty_text.fget(self))
            object.__setattr__(self, '_text_cache', cached)
        return cached[1]


@RUNNERS.register_module()
class FineTuneRunner(Runner):
    """mmengine's ``Runner`` whose ``load_from`` goes through ftplugin's
    checkpoint adapter (foreign layouts, head skipping, a load report).

    Optional hooks are keyed in ``default_hooks`` (``history``, ``unfreeze``,
    ``early_stopping``, ...) so that configs and ``--cfg-options`` change or
    remove one by name; ``None`` removes it.

    Checkpoints are written atomically (a temporary file, fsynced, then
    renamed), so a kill during a save never leaves a truncated file under a
    checkpoint's name. Resuming (``--resume``) is mmengine's own, through
    the same allow-listed loader as every other route, from a checkpoint
    of this model only (:func:`~ftplugin.checkpoint.check_resume_fit`:
    every tensor with its shape, the same optimizer groups). Select it with
    ``runner_type = 'FineTuneRunner'`` (set in ``default_runtime.py``). An
    optional config dict ``load_cfg`` is passed to
    :func:`~ftplugin.checkpoint.load_pretrained`:

    - ``key_map=[(pattern, repl), ...]`` overrides the model's own
      ``pretrained_key_map``;
    - ``inflate=dict(keys=[...], src_channels=[...], dst_channels=[...],
      init='mean', noise_std=0.01)`` widens input layers pretrained on
      fewer channels (:func:`~ftplugin.checkpoint.inflate_channels`);
    - ``required=['backbone']``: these modules must load completely, and
      a run of such a config without ``load_from`` is refused, so that a
      fine-tuning config never trains from scratch by mistake;
    - ``skip=['cls_head']``: never load these modules (a new head even
      when the class count matches; AlphAction's ``--no-head``);
    - ``strict=True``: every shape-skipped, inflated, missing or unexpected
      tensor is an error (the load report names them all);
    - ``scratch_config='configs/<family>/<name>.py'``: the from-scratch twin
      the error of a missing ``load_from`` points to.

    A ``load_from`` of which nothing fits the model is refused too. Testing
    (``test()``, ``val()``: ``tools/test.py``) loads ``load_from`` with every
    tensor required (no ``skip``, no ``inflate``): a checkpoint that leaves
    any tensor at its initial value, or skips one by shape, is refused,
    naming them; a test without a checkpoint is refused.

    The class set is checked when the loops have built their datasets
    (:func:`~ftplugin.engine.class_set.check_class_set`), and
    ``num_classes='auto'`` / ``class_weight='auto'`` are derived from the
    data when the runner is built
    (:func:`~ftplugin.engine.class_set.resolve_auto_classes`, logged).

    A training holds its work dir's lock
    (:class:`~ftplugin.engine.work_dir_lock.WorkDirLock`): a second one on
    the same work dir is refused.

    ``env_cfg.torch_num_threads`` (int, ``'auto'`` or None) sets torch's
    intra-op threads when the runner sets up its environment (see
    :func:`~ftplugin.utils.apply_thread_settings`).
    """

    def __init__(self, *args, **kwargs) -> None:
        cfg = kwargs.get('cfg')
        if type(cfg) is Config:
            wrapped = _FormatOnceConfig.__new__(_FormatOnceConfig)
            wrapped.__dict__.update(cfg.__dict__)
            kwargs['cfg'] = wrapped
        super().__init__(*args, **kwargs)

    @classmethod
    def from_cfg(cls, cfg: Config) -> 'FineTuneRunner':
        """mmengine's, after deriving the ``'auto'`` class settings from the
        data (logged once the runner's logger exists)."""
        cfg = copy.deepcopy(cfg)
        derived = resolve_auto_classes(cfg)
        runner = super().from_cfg(cfg)
        for line in derived:
            runner.logger.info(line)
        return runner

    def train(self):
        """mmengine's, holding the work dir's lock (rank 0)."""
        if not is_main_process():
            return super().train()
        with WorkDirLock(self.work_dir, log=self.logger.warning):
            return super().train()

    def test(self) -> dict:
        """mmengine's; ``load_from`` must give every tensor of the model."""
        return self._evaluate(super().test)

    def val(self) -> dict:
        """mmengine's; ``load_from`` must give every tensor of the model."""
        return self._evaluate(super().val)

    def _evaluate(self, run):
        self._evaluating = True
        try:
            return run()
        finally:
            self._evaluating = False

    def _built_datasets(self) -> dict:
        """The datasets of the loops built so far, by split."""
        out = {}
        for split in ('train', 'val', 'test'):
            loop = getattr(self, f'_{split}_loop', None)
            loader = getattr(loop, 'dataloader', None)
            if loader is not None:
                out[split] = getattr(loader, 'dataset', None)
        return out

    def setup_env(self, env_cfg: dict) -> None:
        super().setup_env(env_cfg)
        loader = self._train_dataloader
        workers = (loader.get('num_workers', 0) if isinstance(loader, dict)
                   else getattr(loader, 'num_workers', 0))
        apply_thread_settings(env_cfg, workers)

    @staticmethod
    def build_dataloader(dataloader, seed=None, diff_rank_seed=False):
        """mmengine's, with two changes to how its samples draw random
        numbers.

        - A loader whose training (not ``test_mode``) dataset takes
          seeded indices (:class:`~ftplugin.datasets.SeededSampleMixin`:
          thermal, ava_custom) gets its sampler wrapped in
          :class:`~ftplugin.datasets.SeededIndexSampler`: each sample's
          augmentations follow from the run's seed, the epoch and the
          sample's position, not from the worker that prepares it. Its
          workers' own seed comes from a generator of the loader's
          (``DataLoader.generator``), not the main process's: a persistent
          loader draws it once, when its workers start, which a resumed
          run does one epoch later than an uninterrupted one, and that
          draw must not shift the main stream (dropout, ...).
        - Other loaders' workers (unless the config names a
          ``worker_init_fn``) are seeded by
          :func:`~ftplugin.engine.worker_init.resumable_worker_init_fn`:
          new augmentations every epoch, repeated exactly by ``--resume``
          where the workers are not persistent.
        """
        if (isinstance(dataloader, dict)
                and _accepts_seeded_index(dataloader.get('dataset'))
                and dataloader.get('sampler') is not None
                and not _is_seeded_sampler(dataloader['sampler'])):
            dataloader = dict(dataloader, sampler=dict(
                type=SeededIndexSampler, sampler=dataloader['sampler']))
        if (isinstance(dataloader, dict) and seed is not None
                and dataloader.get('num_workers', 0) > 0
                and 'worker_init_fn' not in dataloader):
            dataloader = dict(dataloader, worker_init_fn=dict(
                type=resumable_worker_init_fn,
                num_workers=dataloader['num_workers'], rank=get_rank()))
        loader = Runner.build_dataloader(dataloader, seed, diff_rank_seed)
        sampler = find_seeded_sampler(loader)
        if sampler is not None and loader.generator is None:
            loader.generator = torch.Generator().manual_seed(
                sampler.seed % 2**63)
        return loader

    def register_default_hooks(self, hooks=None) -> None:
        """mmengine's, where ``None`` also switches off ftplugin's optional
        hooks keyed in ``default_hooks`` (``unfreeze=None``), not only
        mmengine's own."""
        if hooks is not None:
            hooks = {name: hook for name, hook in hooks.items()
                     if hook is not None or name in MMENGINE_DEFAULT_HOOKS}
        super().register_default_hooks(hooks)

    def load_or_resume(self) -> None:
        load_cfg = self.cfg.get('load_cfg', None) or {}
        unknown = set(load_cfg) - set(LOAD_CFG_KEYS)
        if unknown:
            raise KeyError(f'load_cfg: unknown key(s) {sorted(unknown)}; '
                           f'known: {LOAD_CFG_KEYS}')
        # before any weight is loaded or step taken: the data's classes
        check_class_set(self.cfg, self._built_datasets())
        config = self.cfg.filename or 'this config'
        if getattr(self, '_evaluating', False):
            return self._load_for_evaluation(load_cfg, config)
        if (load_cfg.get('required') and self._load_from is None
                and not self._resume and not self._has_loaded):
            twin = load_cfg.get('scratch_config')
            raise MissingPretrainedError(
                f'{config} fine-tunes pretrained weights (load_cfg.required'
                f'={list(load_cfg["required"])}) but load_from is not set: '
                f'pass --cfg-options load_from=CHECKPOINT' + (
                    f', or train from random weights with its from-scratch '
                    f'twin {twin}' if twin else ''))
        if self._resume and self._load_from is None and not self._has_loaded:
            # --resume without a file: the one last_checkpoint names,
            # checked (a garbage or dangling last_checkpoint is an error
            # naming it, not an IndexError deep in mmengine)
            self._load_from = resolve_last_checkpoint(self.work_dir,
                                                      self.logger)
        if self._resume and self._load_from is not None and not (
                self._has_loaded):
            check_resume_fit(
                self.model, self._load_from, config=config,
                optimizer=getattr(getattr(self, 'optim_wrapper', None),
                                  'optimizer', None))
        if self._has_loaded or self._resume or self._load_from is None:
            return super().load_or_resume()
        self.load_report = load_pretrained(
            self.model, self._load_from,
            key_map=load_cfg.get('key_map'), logger=self.logger,
            inflate=load_cfg.get('inflate'),
            required=load_cfg.get('required') or (),
            skip=load_cfg.get('skip') or (),
            strict=bool(load_cfg.get('strict', False)), config=config)
        self._has_loaded = True

    def _load_for_evaluation(self, load_cfg: dict, config: str) -> None:
        """Testing: the checkpoint must give every tensor of the model."""
        if self._has_loaded:
            return
        if self._resume:
            return super().load_or_resume()
        if self._load_from is None:
            raise ValueError(
                f'{config}: nothing to test: no checkpoint given (load_from '
                f'is None), and the model would be scored with its initial '
                f'weights')
        self.load_report = load_pretrained(
            self.model, self._load_from, key_map=load_cfg.get('key_map'),
            logger=self.logger, complete=True, config=config)
        # tensors that fit are not enough: the data must be read as the
        # training read it
        from ..apis.input_drift import check_input_drift
        check_input_drift(self.cfg, self.load_report.meta, self._load_from,
                          config)
        # the data's class order must be the one the head learnt
        problems = checkpoint_class_problems(
            self._load_from, self.load_report.meta, self._built_datasets())
        if problems:
            raise ClassSetError('\n'.join(problems))
        check_trained_settings(self.cfg, self.load_report.meta,
                               self._load_from, self._built_datasets())
        self._has_loaded = True

    def _build_param_scheduler(self, scheduler, optim_wrapper):
        """mmengine's, after fitting the schedulers to the run's length
        (:func:`~ftplugin.engine.stages.fit_schedulers`): a run shorter
        than the schedule was written for gets it scaled, logged."""
        loop = self._train_loop
        listed = (scheduler if isinstance(scheduler, (list, tuple)) else
                  [scheduler])
        if isinstance(loop, BaseLoop) and any(
                isinstance(s, dict) for s in listed):
            epochs = (None if isinstance(loop, IterBasedTrainLoop) else
                      loop.max_epochs)
            scheduler, notes = fit_schedulers(
                list(listed), epochs, loop.max_iters, len(loop.dataloader))
            for note in notes:
                self.logger.warning(note)
        return super()._build_param_scheduler(scheduler, optim_wrapper)

    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> None:
        """mmengine's ``save_checkpoint``, written to a temporary file that is
        fsynced and renamed, so ``filename`` is complete or absent.
        Arguments as mmengine's."""
        if not osp.isdir(out_dir):  # a remote backend: mmengine's own way
            return super().save_checkpoint(out_dir, filename, *args,
                                           **kwargs)
        tmp_name = f'.{filename}.tmp-{os.getpid()}'
        super().save_checkpoint(out_dir, tmp_name, *args, **kwargs)
        if not is_main_process():
            return
        tmp, final = osp.join(out_dir, tmp_name), osp.join(out_dir, filename)
        with open(tmp, 'rb') as f:
            os.fsync(f.fileno())
        os.replace(tmp, final)
        directory = os.open(out_dir, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)
