import os.path as osp

from mmaction.registry import HOOKS
from mmengine.dist import master_only
from mmengine.hooks import Hook

from ...utils.atomic_io import atomic_copy, atomic_write_json


@HOOKS.register_module()
class OriginalOutputsHook(Hook):
    """Write the files the original project left in its output folder
    (TinyFoundationModelForBioSignals' ``best_model.pt``, ...).

    ``training_config.json`` (the whole config, as JSON) before training; after
    training, copies of the best checkpoint (``CheckpointHook``'s
    ``save_best``) and of the last one under the original project's names. The
    copies are mmengine checkpoints (``state_dict``, ``meta``, ...), which
    ftplugin's tools and checkpoint adapter read like any other.

    Args:
        best (str): Name of the best checkpoint's copy.
            Defaults to ``'best_model.pt'``.
        final (str): Name of the last checkpoint's copy.
            Defaults to ``'final_model.pt'``.
        config_file (str): Name of the config JSON.
            Defaults to ``'training_config.json'``.
    """
    priority = 'LOWEST'  # after CheckpointHook has saved

    def __init__(self,
                 best: str = 'best_model.pt',
                 final: str = 'final_model.pt',
                 config_file: str = 'training_config.json') -> None:
        self.best = best
        self.final = final
        self.config_file = config_file

    @master_only
    def before_train(self, runner) -> None:
        atomic_write_json(osp.join(runner.work_dir, self.config_file),
                          runner.cfg.to_dict(), indent=2, default=str)

    @master_only
    def after_train(self, runner) -> None:
        for info, name in (('best_ckpt', self.best),
                           ('last_ckpt', self.final)):
            path = runner.message_hub.get_info(info)
            if path and osp.isfile(path):
                # never a truncated model under its final name (full disk)
                atomic_copy(path, osp.join(runner.work_dir, name))
            else:
                runner.logger.warning(f'no {info.replace("_", " ")}: '
                                      f'{name} not written')
