"""``mmengine.utils.get_installed_path`` / ``is_installed`` import
``pkg_resources``, which setuptools >= 82 no longer ships, so
``_base_ = 'mmaction::...'`` configs fail on mmengine 0.10.7 (fixed upstream
after it by open-mmlab/mmengine#1676). Both are re-implemented here on
``importlib.metadata``.

The patch is applied only where it fixes something: mmengine <= 0.10.7 and
no importable ``pkg_resources``. Where setuptools still ships it, mmengine's
own functions stay (its callers and tests expect
``pkg_resources.DistributionNotFound``). The replacements keep the
originals' contract: the same paths, ``RuntimeError`` for a namespace
package, and for an unknown package ``pkg_resources.DistributionNotFound``
where ``pkg_resources`` exists, else ``importlib.metadata.
PackageNotFoundError``.
"""
import importlib.metadata
import importlib.util
import os.path as osp
from typing import Optional

from .versions import affected, logger


def has_pkg_resources() -> bool:
    """Whether ``pkg_resources`` can be imported (found without importing
    it: the import is slow and warns)."""
    return importlib.util.find_spec('pkg_resources') is not None


def _not_found(package: str) -> Exception:
    """What mmengine's ``get_installed_path`` raises for an unknown
    package."""
    if has_pkg_resources():
        import pkg_resources
        return pkg_resources.DistributionNotFound(package, None)
    return importlib.metadata.PackageNotFoundError(package)


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

    Raises:
        RuntimeError: ``package`` is a namespace package (as mmengine).
        pkg_resources.DistributionNotFound: unknown ``package``, where
            ``pkg_resources`` exists (as mmengine), else
            ``importlib.metadata.PackageNotFoundError``.
    """
    dist = _distribution(package)
    if dist is not None:
        location = str(dist.locate_file(''))
        # mmengine: <location>/<package> if it exists, else the first
        # top-level module of the distribution
        possible = osp.join(location, package)
        if osp.exists(possible):
            return possible
        top_level = (dist.read_text('top_level.txt') or '').split()
        if top_level:
            return osp.join(location, top_level[0])
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            return osp.dirname(spec.origin)
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise _not_found(package)
    if spec.origin is None:
        raise RuntimeError(f'{package} is a namespace package, which is '
                           f'invalid for `get_install_path`')
    return osp.dirname(spec.origin)


def apply() -> None:
    """Replace mmengine's two helpers wherever they were imported, where
    ``pkg_resources`` is missing."""
    if not affected('installed_path', 'mmengine', '<=0.10.7'):
        return
    if has_pkg_resources():
        logger.debug('compat patch installed_path not applied: '
                     'pkg_resources is importable')
        return
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
