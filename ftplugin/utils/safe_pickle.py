"""Reading a pickle a user passes (a ``tools/test.py --dump`` file, ...)
without running anything it names.

:func:`safe_pickle_load` unpickles with an allow-list of the globals the
dumps of mmengine / mmaction2 / ftplugin hold: builtin containers, numpy
arrays, scalars and dtypes, torch tensors, dtypes and devices. Any other
global (``os.system``, ``builtins.eval``, a class of some package) is refused
before it is called, naming it, as :func:`~ftplugin.checkpoint.loading.
safe_torch_load` does for checkpoints. A tensor's storage is pickled as a
nested ``torch.save`` blob: it is read with ``weights_only=True``, never by
torch's own ``_load_from_bytes`` (which would unpickle it without limits).
"""
import io
import os.path as osp
import pickle
from typing import Any, Callable, Dict, Tuple


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle needs a global beyond the allow-list."""


def _storage_from_bytes(data: bytes):
    import torch
    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except pickle.UnpicklingError as err:
        raise UnsafePickleError(
            f'a tensor storage in it is not plain data ({err}). Nothing of '
            f'the file was run.') from err


def _allowed() -> Dict[Tuple[str, str], Callable]:
    import builtins
    import collections

    import numpy as np
    import torch
    import torch._utils
    allowed = {('builtins', name): getattr(builtins, name)
               for name in ('set', 'frozenset', 'complex', 'slice', 'range',
                            'bytearray')}
    allowed[('collections', 'OrderedDict')] = collections.OrderedDict
    # numpy 2 pickles as numpy._core, numpy 1 as numpy.core
    from numpy._core import multiarray
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        allowed[(module, '_reconstruct')] = multiarray._reconstruct
        allowed[(module, 'scalar')] = multiarray.scalar
    allowed[('numpy', 'ndarray')] = np.ndarray
    allowed[('numpy', 'dtype')] = np.dtype
    for dtype in ('float64', 'float32', 'float16', 'int64', 'int32',
                  'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8',
                  'bool', 'complex64', 'complex128'):
        cls = type(np.dtype(dtype))
        allowed[('numpy.dtypes', cls.__name__)] = cls
    allowed[('torch._utils', '_rebuild_tensor_v2')] = (
        torch._utils._rebuild_tensor_v2)
    allowed[('torch._utils', '_rebuild_parameter')] = (
        torch._utils._rebuild_parameter)
    allowed[('torch.storage', '_load_from_bytes')] = _storage_from_bytes
    allowed[('torch', 'Size')] = torch.Size
    allowed[('torch', 'device')] = torch.device
    for name in ('float64', 'float32', 'float16', 'bfloat16', 'int64',
                 'int32', 'int16', 'int8', 'uint8', 'bool'):
        allowed[('torch', name)] = getattr(torch, name)
    return allowed


class RestrictedUnpickler(pickle.Unpickler):
    """A ``pickle.Unpickler`` that resolves only allow-listed globals.

    Args:
        file: A binary file object.
        source (str): Named in the error (the file's path).
    """

    def __init__(self, file, source: str = '<pickle>') -> None:
        super().__init__(file)
        self.source = source
        self._allowed = _allowed()

    def find_class(self, module: str, name: str) -> Any:
        found = self._allowed.get((module, name))
        if found is None:
            raise UnsafePickleError(
                f'Refusing to load {self.source}: unpickling it would call '
                f'{module}.{name}, which is not allowed (only builtin '
                f'containers, numpy arrays and torch tensors are). Nothing '
                f'of the file was run. If you trust the file, convert it to '
                f'plain lists, numpy arrays or tensors first.')
        return found


def safe_pickle_load(path: str) -> Any:
    """Unpickle the file ``path`` with :class:`RestrictedUnpickler`.

    Args:
        path (str): The pickle.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        UnsafePickleError: it names a global beyond the allow-list.
        ValueError: it is empty, truncated or not a pickle (naming it).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such file')
    with open(path, 'rb') as f:
        try:
            return RestrictedUnpickler(f, source=path).load()
        except UnsafePickleError as err:
            if str(err).startswith('Refusing'):
                raise
            raise UnsafePickleError(f'Refusing to load {path}: {err}') from err
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError,
                IndexError, KeyError) as err:
            raise ValueError(
                f'{path}: not a readable pickle (empty, truncated or another '
                f'format): {type(err).__name__}: {err}') from err
