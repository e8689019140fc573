"""``mmaction.models.localizers.drn`` is missing from the mmaction2 1.2.0
wheel (open-mmlab/mmaction2#2714), so ``import mmaction.models`` fails.

A stand-in module registers ``DRN``, which raises a clear error when built.
"""
import importlib.util
import os.path as osp
import sys
import types

from .versions import affected

MODULE = 'mmaction.models.localizers.drn'


def apply() -> None:
    """Install the stand-in (idempotent; no-op on a wheel that has DRN)."""
    if MODULE in sys.modules or not affected('missing_drn', 'mmaction2',
                                             '<=1.2.0'):
        return
    spec = importlib.util.find_spec('mmaction')
    if osp.isdir(osp.join(osp.dirname(spec.origin), 'models', 'localizers',
                          'drn')):
        return  # a wheel that ships the code

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

    package = types.ModuleType(MODULE)
    package.__path__ = []  # mark as a package so `.drn.drn` resolves
    module = types.ModuleType(MODULE + '.drn')
    module.DRN = DRN
    package.drn = module
    sys.modules[MODULE] = package
    sys.modules[MODULE + '.drn'] = module
    MODELS.register_module(name='DRN', module=DRN, force=True)
