"""ftplugin: fine-tuning workflows as mmengine / mmaction2 configs."""
# compat first: it patches the stack before anything below imports it
from . import compat  # noqa: F401,I001
from . import datasets, engine, evaluation, models  # noqa: F401
from .version import __version__

__all__ = ['__version__']
