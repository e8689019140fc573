"""mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; since torch
2.6 that means ``weights_only=True`` with torch's default allow-list, which
lacks the types mmengine writes into its own checkpoints (``HistoryBuffer``,
numpy arrays), so its checkpoints fail to load (open-mmlab/mmengine#1655).

The local-file scheme of mmengine's ``CheckpointLoader`` is routed through
:func:`ftplugin.checkpoint.loading.safe_torch_load` (``weights_only=True``
with the allow-list of what mmengine and ftplugin write). The upstream
proposal (open-mmlab/mmengine#1650) passes ``weights_only=False``, which
ftplugin's security policy forbids, so this routing is kept on every
version: the version gate below only says whether the upstream bug is there.
"""
from .versions import affected


def apply() -> None:
    """Route mmengine's local checkpoint loading (idempotent)."""
    from mmengine.runner import Runner
    from mmengine.runner.checkpoint import CheckpointLoader

    from ..checkpoint.loading import safe_torch_load, trusted_checkpoint_dir

    affected('checkpoint_loading (upstream bug)', 'mmengine', '<=0.10.7')
    CheckpointLoader.register_scheme(
        prefixes='', force=True)(safe_torch_load)

    original_resume = Runner.resume
    if getattr(original_resume, '_ftplugin', False):
        return

    def resume(self, filename, *args, **kwargs):
        with trusted_checkpoint_dir(self.work_dir):
            return original_resume(self, filename, *args, **kwargs)

    resume._ftplugin = True
    Runner.resume = resume
