"""ftplugin: fine-tuning workflows as mmengine / mmaction2 configs."""
from . import compat

# the patches first: registering below imports mmaction.models
compat.apply()

from . import datasets, engine, evaluation, models  # noqa: E402,F401,I001
from .version import __version__  # noqa: E402

__all__ = ['__version__']
