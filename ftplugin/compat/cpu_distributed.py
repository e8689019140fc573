"""Distributed training on a machine without CUDA.

mmengine 0.10.7 calls ``torch.cuda.set_device`` and defaults to NCCL in
``_init_dist_pytorch``, and ``Runner.wrap_model`` passes ``device_ids`` to
DDP, which torch rejects for CPU modules ("device_ids ... only work with ...
GPU modules"). No upstream fix exists. Without CUDA, ftplugin initialises
gloo and drops the device ids; with CUDA nothing is changed.
"""
import logging

from .versions import affected, no_cuda


def apply() -> None:
    """Patch mmengine's dist init and DDP wrapper (idempotent)."""
    if not (no_cuda('cpu_distributed')
            and affected('cpu_distributed', 'mmengine', '<=0.10.7')):
        return
    import torch.distributed as torch_dist
    from mmengine.dist import utils as dist_utils
    from mmengine.model.wrappers import MMDistributedDataParallel

    if getattr(dist_utils._init_dist_pytorch, '_ftplugin', False):
        return

    def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
        # mmengine would call torch.cuda.set_device and use NCCL here
        logging.getLogger('ftplugin.compat').debug(
            'no CUDA: gloo instead of %s', backend)
        torch_dist.init_process_group(backend='gloo', **kwargs)

    _init_dist_pytorch._ftplugin = True
    dist_utils._init_dist_pytorch = _init_dist_pytorch

    original_ddp_init = MMDistributedDataParallel.__init__

    def ddp_init(self, module, detect_anomalous_params=False, **kwargs):
        # DDP rejects device_ids for CPU modules
        kwargs.pop('device_ids', None)
        kwargs.pop('output_device', None)
        original_ddp_init(
            self, module,
            detect_anomalous_params=detect_anomalous_params, **kwargs)

    ddp_init._original = original_ddp_init  # for the contract test
    MMDistributedDataParallel.__init__ = ddp_init
