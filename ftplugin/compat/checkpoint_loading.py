"""mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; since torch
2.6 that means ``weights_only=True`` with torch's default allow-list, which
lacks the types mmengine writes into its own checkpoints (``HistoryBuffer``,
numpy arrays), so its checkpoints fail to load (open-mmlab/mmengine#1655).

mmengine's ``CheckpointLoader`` is routed through
:func:`ftplugin.checkpoint.loading.safe_torch_load` (``weights_only=True``
with the allow-list of what mmengine and ftplugin write; URLs are downloaded
first by ``load_from_url``). The upstream
proposal (open-mmlab/mmengine#1650) passes ``weights_only=False``, which
ftplugin's security policy forbids, so this routing is kept on every
version: the version gate below only says whether the upstream bug is there.
"""
from .versions import affected


def apply() -> None:
    """Route mmengine's local and URL checkpoint loading (idempotent)."""
    from mmengine.runner import checkpoint as mmengine_checkpoint
    from mmengine.runner.checkpoint import CheckpointLoader

    from ..checkpoint.loading import load_from_url, safe_torch_load

    affected('checkpoint_loading (upstream bug)', 'mmengine', '<=0.10.7')
    CheckpointLoader.register_scheme(
        prefixes='', force=True)(safe_torch_load)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'), force=True)(load_from_url)
    # torchvision:// and open-mmlab:// call the module's load_from_http
    mmengine_checkpoint.load_from_http = load_from_url
