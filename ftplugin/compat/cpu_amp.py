"""Mixed precision on a machine without CUDA.

mmengine 0.10.7's ``AmpOptimWrapper`` asserts a GPU (reported as
open-mmlab/mmpretrain#1556). Without CUDA, ftplugin registers under that
name a wrapper that autocasts to bfloat16 on the CPU (bfloat16 has float32's
range: no loss scaling needed). With CUDA, mmengine's own wrapper is left
untouched. mmaction2 1.2.0's ``BaseHead`` turns the scores into numpy for
its top-k accuracy, and numpy has no bfloat16: they are upcast first.
"""
import contextlib

import torch

from .versions import affected, no_cuda


def _cpu_amp_optim_wrapper():
    from mmengine.optim import OptimWrapper

    class CPUAmpOptimWrapper(OptimWrapper):
        """``AmpOptimWrapper`` for CPU-only machines: bfloat16 autocast.

        Args:
            loss_scale: Accepted for config compatibility; unused (bfloat16
                needs no loss scaling).
            dtype (str | torch.dtype, optional): Autocast dtype. Defaults to
                ``torch.bfloat16``.
            use_fsdp (bool): Accepted for config compatibility; unused.
            **kwargs: As for ``OptimWrapper``.
        """
        _ftplugin = True

        def __init__(self, loss_scale='dynamic', dtype=None, use_fsdp=False,
                     **kwargs):
            super().__init__(**kwargs)
            if isinstance(dtype, str):
                dtype = getattr(torch, dtype)
            self.cast_dtype = dtype or torch.bfloat16

        def load_state_dict(self, state_dict):
            # a checkpoint written on a GPU carries its loss scaler
            state_dict.pop('loss_scaler', None)
            return super().load_state_dict(state_dict)

        @contextlib.contextmanager
        def optim_context(self, model):
            with super().optim_context(model), torch.autocast(
                    device_type='cpu', dtype=self.cast_dtype):
                yield

    return CPUAmpOptimWrapper


def _patch_head_scores() -> None:
    if not affected('cpu_amp (BaseHead scores)', 'mmaction2', '<=1.2.0'):
        return
    from mmaction.models.heads import BaseHead
    original_loss_by_feat = BaseHead.loss_by_feat
    if getattr(original_loss_by_feat, '_ftplugin', False):
        return

    def loss_by_feat(self, cls_scores, data_samples):
        if cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return original_loss_by_feat(self, cls_scores, data_samples)

    loss_by_feat._ftplugin = True
    loss_by_feat._original = original_loss_by_feat  # for the contract test
    BaseHead.loss_by_feat = loss_by_feat


def apply() -> None:
    """Register the CPU wrapper when there is no CUDA (idempotent)."""
    if not (no_cuda('cpu_amp')
            and affected('cpu_amp', 'mmengine', '<=0.10.7')):
        return
    from mmengine.registry import OPTIM_WRAPPERS
    if not getattr(OPTIM_WRAPPERS.get('AmpOptimWrapper'), '_ftplugin',
                   False):
        OPTIM_WRAPPERS.register_module(
            name='AmpOptimWrapper', module=_cpu_amp_optim_wrapper(),
            force=True)
    _patch_head_scores()
