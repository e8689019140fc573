"""``mmengine.utils.get_installed_path`` / ``is_installed`` import
``pkg_resources``, which setuptools >= 82 no longer ships, so
``_base_ = 'mmaction::...'`` configs fail on mmengine 0.10.7 (fixed upstream
after it by open-mmlab/mmengine#1676). Both are re-implemented here on
``importlib.metadata``.
"""
import importlib.metadata
import importlib.util
import os.path as osp
from typing import Optional

from .versions import affected


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


def apply() -> None:
    """Replace mmengine's two helpers wherever they were imported."""
    if not affected('installed_path', 'mmengine', '<=0.10.7'):
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
