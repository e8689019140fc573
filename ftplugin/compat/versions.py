"""Version gates of the compatibility patches."""
import importlib.metadata
import logging
from typing import Optional

from packaging.specifiers import SpecifierSet
from packaging.version import Version

logger = logging.getLogger('ftplugin.compat')


def installed_version(distribution: str) -> Optional[Version]:
    """The installed version of ``distribution``, or None if absent.

    Args:
        distribution (str): Distribution name, e.g. ``'mmengine'``.
    """
    try:
        return Version(importlib.metadata.version(distribution))
    except importlib.metadata.PackageNotFoundError:
        return None


def affected(patch: str, distribution: str, versions: str) -> bool:
    """Whether the installed ``distribution`` has the bug ``patch`` fixes.

    A version outside ``versions`` (a fixed upstream, or the package absent)
    makes the patch a no-op, said in a debug line.

    Args:
        patch (str): The patch's name, for the log line.
        distribution (str): Distribution the bug lives in.
        versions (str): PEP 440 specifier of the affected versions.
    """
    version = installed_version(distribution)
    if version is not None and version in SpecifierSet(versions):
        return True
    logger.debug('compat patch %s not applied: %s %s is not in %s', patch,
                 distribution, version or '(not installed)', versions)
    return False


def no_cuda(patch: str) -> bool:
    """Whether this machine has no CUDA, which a CPU-only ``patch`` needs.

    Args:
        patch (str): The patch's name, for the debug line when CUDA is
            present (GPU runs get the stack unpatched).
    """
    import torch
    if torch.cuda.is_available():
        logger.debug('compat patch %s not applied: CUDA present', patch)
        return False
    return True
