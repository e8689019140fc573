"""Every patch ftplugin needs to run the pinned OpenMMLab stack on this stack.

Pinned: torch 2.13 (CPU build), mmengine 0.10.7, mmcv-lite 2.1.0, mmaction2 1.2.0.
Each patch below names the upstream problem it works around, is applied once
(``apply()`` is idempotent) and is imported by ``ftplugin/__init__.py`` before
anything else, so stock mmengine / mmaction2 entry points (including
``mmaction/.mim/tools/train.py`` through ``custom_imports``) behave the same.

Patches:

1. ``mmaction.models.localizers.drn`` is missing from the mmaction2 1.2.0
   wheel (open-mmlab/mmaction2#2714), so ``import mmaction.models`` fails. A
   stand-in module registers ``DRN`` that raises a clear error when built.
2. torch >= 2.6 loads with ``weights_only=True`` by default and mmengine
   0.10.7 calls ``torch.load`` without it, so its own checkpoints (which hold
   ``HistoryBuffer`` and numpy objects) fail to load
   . Every checkpoint is now loaded with
   ``weights_only=True`` plus an allow-list of mmengine's own plain data
   types. A file that needs more is unpickled fully only when it is inside
   the work dir of the run that resumes it (our own output); any other file
   is refused with a message naming what it would have executed.
   Upstream: open-mmlab/mmengine#1655 (the PR #1650 would pass
   ``weights_only=False`` everywhere, which we do not want).
3. Distributed training on a machine without CUDA: mmengine calls
   ``torch.cuda.set_device`` and defaults to NCCL in ``_init_dist_pytorch``,
   and ``Runner.wrap_model`` passes ``device_ids`` to DDP, which torch
   rejects for CPU modules ("device_ids ... only work with ... GPU modules").
   No upstream fix exists in 0.10.7. Without CUDA we use gloo, no device ids.
4. ``AmpOptimWrapper`` asserts a GPU (reported as open-mmlab/mmpretrain#1556).
   On CPU it now autocasts to bfloat16 (no loss scaling needed); on GPU it is
   unchanged (fp16 with dynamic loss scaling). mmaction2's ``BaseHead``
   converts bfloat16 scores to numpy, which fails; they are upcast first.
5. ``mmengine.utils.get_installed_path`` / ``is_installed`` import
   ``pkg_resources``, which setuptools >= 82 no longer ships, so
   ``_base_ = 'mmaction::...'`` configs fail (fixed upstream after 0.10.7 by
   open-mmlab/mmengine#1676).
   They are re-implemented on ``importlib.metadata``.

``torch.onnx.export`` defaulting to the dynamo exporter (which needs
onnxscript) is handled where it is called: ``tools/deployment/export_onnx.py``
passes ``dynamo=False``.
"""
import contextlib
import importlib.metadata
import importlib.util
import os
import os.path as osp
import pickle
import sys
import types
import warnings
from typing import Iterator, List, Optional

import torch

_APPLIED = False

# Directories whose checkpoints were written by the run that now resumes them.
_TRUSTED_DIRS: List[str] = []


class UnsafeCheckpointError(RuntimeError):
    """A checkpoint needs arbitrary unpickling and is not ours to trust."""


# ---------------------------------------------------------------- 1. drn
def _patch_missing_drn() -> None:
    """Provide ``mmaction.models.localizers.drn`` (open-mmlab/mmaction2#2714)."""
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules or importlib.util.find_spec('mmaction') is None:
        return
    pkg_dir = osp.dirname(importlib.util.find_spec('mmaction').origin)
    if osp.isdir(osp.join(pkg_dir, 'models', 'localizers', 'drn')):
        return  # a fixed wheel: nothing to do

    from mmaction.registry import MODELS
    from mmengine.model import BaseModel

    message = ('DRN cannot be built: the installed mmaction2 1.2.0 wheel '
               'lacks mmaction/models/localizers/drn/ (upstream issue '
               'open-mmlab/mmaction2#2714). Install mmaction2 from source '
               'to use DRN.')

    class DRN(BaseModel):
        """Stand-in for mmaction2's DRN, whose code the 1.2.0 wheel lacks."""

        def __new__(cls, *args, **kwargs):
            # __new__, not __init__: BaseModel is abstract (no forward), and
            # instantiating an abstract class fails before __init__ runs
            raise RuntimeError(message)

        def forward(self, *args, **kwargs):
            raise RuntimeError(message)

    package = types.ModuleType(name)
    package.__path__ = []  # mark as a package so `.drn.drn` resolves
    module = types.ModuleType(name + '.drn')
    module.DRN = DRN
    package.drn = module
    sys.modules[name] = package
    sys.modules[name + '.drn'] = module
    MODELS.register_module(name='DRN', module=DRN, force=True)


# ----------------------------------------------------------- 2. checkpoints
def _history_buffer_getattr(obj, name):
    """``getattr`` limited to what mmengine's ``HistoryBuffer`` pickles.

    A ``HistoryBuffer`` stores its statistics methods (``min``, ``max``,
    ``current``, ``mean`` and registered ones), which pickle as
    ``getattr(HistoryBuffer, 'mean')``; any other use is refused.
    """
    from mmengine.logging import HistoryBuffer
    allowed = {'min', 'max', 'current', 'mean'}
    allowed.update(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'getattr({obj!r}, {name!r}) is not allowed in a checkpoint')


def _mmengine_safe_globals() -> list:
    """Plain data types that mmengine writes into its own checkpoints."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    from numpy._core import multiarray
    dtypes = [type(np.dtype(t)) for t in (
        'float64', 'float32', 'float16', 'int64', 'int32', 'int16', 'int8',
        'uint8', 'bool')]
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray._reconstruct,
            multiarray.scalar, (_history_buffer_getattr, 'builtins.getattr')
            ] + dtypes


@contextlib.contextmanager
def trusted_checkpoint_dir(path: str) -> Iterator[None]:
    """Trust checkpoints under ``path`` (the work dir of a resuming run).

    Args:
        path (str): Directory whose files this run wrote itself.
    """
    _TRUSTED_DIRS.append(osp.realpath(path))
    try:
        yield
    finally:
        _TRUSTED_DIRS.pop()


def _is_trusted(filename: str) -> bool:
    real = osp.realpath(filename)
    return any(real.startswith(d + os.sep) for d in _TRUSTED_DIRS)


def safe_torch_load(filename: str, map_location=None):
    """``torch.load`` with ``weights_only=True`` and mmengine's data types.

    Args:
        filename (str): Local checkpoint path.
        map_location: As for :func:`torch.load`.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: if the file needs arbitrary unpickling and it
            is not inside the work dir of the run that resumes it.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        with torch.serialization.safe_globals(_mmengine_safe_globals()):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        if _is_trusted(filename):
            # written by this very run (resume): full unpickling is safe
            return torch.load(
                filename, map_location=map_location, weights_only=False)
        try:
            unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
                filename)
        except Exception:  # noqa: BLE001 - only used for the message
            unsafe = ['<unknown>']
        raise UnsafeCheckpointError(
            f'Refusing to load {filename}: it is not a plain weights file '
            f'and loading it would execute code from these globals: '
            f'{unsafe}. ftplugin loads foreign checkpoints with '
            f'weights_only=True. If you trust the file, re-save its '
            f'state_dict with plain tensors first.') from err


def _patch_checkpoint_loading() -> None:
    from mmengine.runner import Runner
    from mmengine.runner.checkpoint import CheckpointLoader

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


# ------------------------------------------------------ 3. distributed on CPU
def _patch_cpu_distributed() -> None:
    import torch.distributed as torch_dist
    from mmengine.dist import utils as dist_utils
    from mmengine.model.wrappers import MMDistributedDataParallel

    original_init = dist_utils._init_dist_pytorch

    def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
        if torch.cuda.is_available():
            return original_init(backend, init_backend=init_backend, **kwargs)
        # mmengine would call torch.cuda.set_device and use NCCL here
        torch_dist.init_process_group(backend='gloo', **kwargs)

    dist_utils._init_dist_pytorch = _init_dist_pytorch

    original_ddp_init = MMDistributedDataParallel.__init__
    if getattr(original_ddp_init, '_ftplugin', False):
        return

    def ddp_init(self, module, detect_anomalous_params=False, **kwargs):
        on_cpu = all(p.device.type == 'cpu' for p in module.parameters())
        if on_cpu:
            # DDP rejects device_ids for CPU modules
            kwargs.pop('device_ids', None)
            kwargs.pop('output_device', None)
        original_ddp_init(
            self, module,
            detect_anomalous_params=detect_anomalous_params, **kwargs)

    ddp_init._ftplugin = True
    MMDistributedDataParallel.__init__ = ddp_init


# ------------------------------------------------------------- 4. AMP on CPU
def _patch_cpu_amp() -> None:
    from mmengine.optim import AmpOptimWrapper, OptimWrapper
    from mmengine.registry import OPTIM_WRAPPERS

    if getattr(OPTIM_WRAPPERS.get('AmpOptimWrapper'), '_ftplugin', False):
        return

    class CPUAwareAmpOptimWrapper(AmpOptimWrapper):
        """``AmpOptimWrapper`` that falls back to bfloat16 autocast on CPU.

        On a GPU it is mmengine's wrapper unchanged (fp16 + loss scaling).
        bfloat16 has float32's range, so CPU training needs no loss scaler.
        """
        _ftplugin = True

        def __init__(self, loss_scale='dynamic', dtype=None, use_fsdp=False,
                     **kwargs):
            self._on_cpu = not torch.cuda.is_available()
            if not self._on_cpu:
                super().__init__(loss_scale=loss_scale, dtype=dtype,
                                 use_fsdp=use_fsdp, **kwargs)
                return
            OptimWrapper.__init__(self, **kwargs)
            self._scale_update_param = None
            self.loss_scaler = None
            if isinstance(dtype, str):
                dtype = getattr(torch, dtype)
            self.cast_dtype = dtype or torch.bfloat16

        def backward(self, loss, **kwargs):
            if not self._on_cpu:
                return super().backward(loss, **kwargs)
            return OptimWrapper.backward(self, loss, **kwargs)

        def step(self, **kwargs):
            if not self._on_cpu:
                return super().step(**kwargs)
            return OptimWrapper.step(self, **kwargs)

        def state_dict(self):
            if not self._on_cpu:
                return super().state_dict()
            return OptimWrapper.state_dict(self)

        def load_state_dict(self, state_dict):
            if not self._on_cpu:
                return super().load_state_dict(state_dict)
            state_dict.pop('loss_scaler', None)
            return OptimWrapper.load_state_dict(self, state_dict)

        @contextlib.contextmanager
        def optim_context(self, model):
            if not self._on_cpu:
                with super().optim_context(model):
                    yield
                return
            with OptimWrapper.optim_context(self, model), torch.autocast(
                    device_type='cpu', dtype=self.cast_dtype):
                yield

    OPTIM_WRAPPERS.register_module(
        name='AmpOptimWrapper', module=CPUAwareAmpOptimWrapper, force=True)

    # mmaction2's BaseHead.loss_by_feat turns the scores into numpy for its
    # top-k accuracy, and numpy has no bfloat16: score in float32 instead.
    from mmaction.models.heads import BaseHead
    original_loss_by_feat = BaseHead.loss_by_feat
    if getattr(original_loss_by_feat, '_ftplugin', False):
        return

    def loss_by_feat(self, cls_scores, data_samples):
        if cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return original_loss_by_feat(self, cls_scores, data_samples)

    loss_by_feat._ftplugin = True
    BaseHead.loss_by_feat = loss_by_feat


# ------------------------------------------------------- 5. pkg_resources
def _distribution(package: str) -> Optional[importlib.metadata.Distribution]:
    try:
        return importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def is_installed(package: str) -> bool:
    """``mmengine.utils.is_installed`` without ``pkg_resources``.

    Args:
        package (str): Distribution or module name.
    """
    if _distribution(package) is not None:
        return True
    spec = importlib.util.find_spec(package)
    return spec is not None and spec.origin is not None


def get_installed_path(package: str) -> str:
    """``mmengine.utils.get_installed_path`` without ``pkg_resources``.

    Args:
        package (str): Distribution name (``mmaction2``) or module name.
    """
    dist = _distribution(package)
    if dist is not None:
        top_level = (dist.read_text('top_level.txt') or '').split()
        module = top_level[0] if top_level else package
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin is not None:
            return osp.dirname(spec.origin)
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise importlib.metadata.PackageNotFoundError(package)
    return osp.dirname(spec.origin)


def _patch_pkg_resources() -> None:
    import mmengine.config.config as config_module
    import mmengine.config.utils as config_utils
    import mmengine.utils as mmengine_utils
    import mmengine.utils.package_utils as package_utils

    for module in (package_utils, mmengine_utils, config_module,
                   config_utils):
        if hasattr(module, 'get_installed_path'):
            module.get_installed_path = get_installed_path
        if hasattr(module, 'is_installed'):
            module.is_installed = is_installed


def apply() -> None:
    """Apply every patch once."""
    global _APPLIED
    if _APPLIED:
        return
    # mmcv-lite has no compiled ops by design; its import-time warning about
    # MultiScaleDeformableAttention says nothing a user can act on
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')
    _patch_pkg_resources()
    _patch_checkpoint_loading()
    _patch_cpu_distributed()
    _patch_missing_drn()  # before _patch_cpu_amp imports mmaction.models
    _patch_cpu_amp()
    _APPLIED = True


apply()
