from mmaction.registry import RUNNERS
from mmengine.runner import Runner

from ..checkpoint import load_pretrained


@RUNNERS.register_module()
class FineTuneRunner(Runner):
    """mmengine's ``Runner`` whose ``load_from`` goes through ftplugin's
    checkpoint adapter (foreign layouts, head skipping, a load report).

    Resuming (``--resume``) is mmengine's own, unchanged. Select it with
    ``runner_type = 'FineTuneRunner'`` (set in ``default_runtime.py``); an
    optional config dict ``load_cfg=dict(key_map=[(pattern, repl), ...])``
    overrides the model's own ``pretrained_key_map``.
    """

    def load_or_resume(self) -> None:
        if self._has_loaded or self._resume or self._load_from is None:
            return super().load_or_resume()
        load_cfg = self.cfg.get('load_cfg', None) or {}
        self.load_report = load_pretrained(
            self.model, self._load_from,
            key_map=load_cfg.get('key_map'), logger=self.logger)
        self._has_loaded = True
