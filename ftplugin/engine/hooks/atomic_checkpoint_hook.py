import os
import os.path as osp

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from ...utils.atomic_io import atomic_write_text
from .utils import validates_after_this_epoch


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` made safe against a kill at any moment.

    - Each file is written completely before it gets its name (the runner's
      ``save_checkpoint`` writes a temporary file, fsyncs and renames it;
      see :class:`~ftplugin.engine.FineTuneRunner`).
    - ``last_checkpoint`` is replaced atomically, after the file it names is
      complete; checkpoints beyond ``max_keep_ckpts`` (and the previous
      best) are removed only after that, so a kill leaves at least every
      checkpoint that was complete before.
    - The previous best checkpoint it removes is always the one in its own
      folder, also in a resumed work dir that was copied or moved (the
      checkpoint records the path the file had when it was written).
    - In an epoch that validates, the epoch's checkpoint is written after
      the validation, so it carries the state every hook and scheduler
      reached then (early stopping, plateau schedulers, the random state);
      a resumed run continues exactly where the uninterrupted one did.

    Arguments as mmengine's ``CheckpointHook`` (epoch-based saving).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending = None  # (step, meta) of a save awaiting validation

    def before_train(self, runner) -> None:
        super().before_train(runner)
        self._keep_best_paths_in_out_dir()
        if is_main_process() and osp.isdir(str(self.out_dir)):
            # what a kill during a save left: never a checkpoint
            for name in os.listdir(self.out_dir):
                if name.startswith('.') and '.tmp-' in name:
                    os.remove(osp.join(self.out_dir, name))

    def _keep_best_paths_in_out_dir(self) -> None:
        # a resumed checkpoint names the previous best by the path it had
        # when it was written; in a work dir copied or moved since, that is
        # the old folder's file, which mmengine would delete at the next
        # best: take the file of the same name in this run's folder instead
        if not osp.isdir(str(self.out_dir)):
            return
        here = osp.realpath(str(self.out_dir))

        def local(path):
            if path and osp.dirname(osp.realpath(str(path))) != here:
                return osp.join(str(self.out_dir), osp.basename(str(path)))
            return path

        self.best_ckpt_path = local(getattr(self, 'best_ckpt_path', None))
        paths = getattr(self, 'best_ckpt_path_dict', None) or {}
        for key in list(paths):
            paths[key] = local(paths[key])

    # -------------------------------------------------- when to write
    def _save_checkpoint(self, runner) -> None:
        if not self.by_epoch or not validates_after_this_epoch(runner):
            return super()._save_checkpoint(runner)
        step = runner.epoch + 1
        self._pending = (step, dict(epoch=step, iter=runner.iter))

    def _flush(self, runner) -> None:
        if self._pending is not None:
            step, meta = self._pending
            self._pending = None
            self._save_checkpoint_with_step(runner, step, meta)

    def after_val_epoch(self, runner, metrics) -> None:
        super().after_val_epoch(runner, metrics)
        self._flush(runner)

    def before_train_epoch(self, runner) -> None:
        self._flush(runner)  # validation did not run after all

    def after_train(self, runner) -> None:
        self._flush(runner)
        super().after_train(runner)

    # ------------------------------------------------ how to write
    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        # mmengine's order is remove, save, point last_checkpoint (written
        # in place); here: save, point atomically, then remove
        outdated = []
        if self.max_keep_ckpts > 0 and not (
                self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated.append(self.file_backend.join_path(
                    self.out_dir,
                    self.filename_tmpl.format(self.keep_ckpt_ids.popleft())))
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        self.last_ckpt = self.file_backend.join_path(
            self.out_dir, self.filename_tmpl.format(step))
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir, self.filename_tmpl.format(step),
            self.file_client_args, save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler, meta=meta,
            by_epoch=self.by_epoch, backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'),
                          self.last_ckpt)
        self._remove([('remove', p) for p in outdated
                      if self._real_backend.isfile(p)])

    def _save_best_checkpoint(self, runner, metrics) -> None:
        # mmengine removes the previous best before writing the new one:
        # record the removal and do it after
        removals = []
        backend = self.file_backend
        self.file_backend = _DeferredRemoval(backend, removals)
        try:
            super()._save_best_checkpoint(runner, metrics)
        finally:
            self.file_backend = backend
        if is_main_process():
            self._remove(removals)

    @property
    def _real_backend(self):
        return getattr(self.file_backend, 'backend', self.file_backend)

    def _remove(self, removals: list) -> None:
        # never the files just written (a best and an epoch checkpoint may
        # share a name when the filename template has no prefix)
        current = {str(self.last_ckpt), str(getattr(
            self, 'best_ckpt_path', None))} | {
                str(p) for p in (getattr(self, 'best_ckpt_path_dict', None)
                                 or {}).values()}
        for method, path in removals:
            if str(path) not in current:
                getattr(self._real_backend, method)(path)


class _DeferredRemoval:
    """A file backend whose ``remove``/``rmtree`` are recorded, not done."""

    def __init__(self, backend, removals: list) -> None:
        self.backend = backend
        self._removals = removals

    def remove(self, path) -> None:
        self._removals.append(('remove', path))

    def rmtree(self, path) -> None:
        self._removals.append(('rmtree', path))

    def __getattr__(self, name):
        return getattr(self.backend, name)
