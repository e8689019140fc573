"""compat.installed_path: mmengine helpers without pkg_resources."""
import os.path as osp

import pytest


def test_get_installed_path_and_is_installed():
    import mmaction
    import mmengine.utils
    from mmengine.utils import get_installed_path, is_installed
    expected = osp.dirname(mmaction.__file__)
    assert osp.samefile(mmengine.utils.get_installed_path('mmaction2'),
                        expected)
    assert osp.samefile(get_installed_path('mmaction2'), expected)
    assert osp.samefile(get_installed_path('mmaction'), expected)
    assert is_installed('mmaction2') and is_installed('mmengine')
    assert not is_installed('surely_not_an_installed_package_42')


def test_mmaction_scoped_base_config(tmp_path):
    import mmaction
    from mmengine.config import Config
    cfg_file = tmp_path / 'uses_mmaction_base.py'
    cfg_file.write_text("_base_ = 'mmaction::_base_/default_runtime.py'\n"
                        'my_value = 3\n')
    cfg = Config.fromfile(str(cfg_file))
    upstream = Config.fromfile(osp.join(
        osp.dirname(mmaction.__file__), '.mim', 'configs', '_base_',
        'default_runtime.py'))
    assert cfg.my_value == 3
    assert cfg.default_scope == upstream.default_scope == 'mmaction'

    def strip_scope(hooks):
        return {name: {k: v for k, v in hook.items() if k != '_scope_'}
                for name, hook in hooks.to_dict().items()}

    assert strip_scope(cfg.default_hooks) == strip_scope(
        upstream.default_hooks)


# packages whose path mmengine's own get_installed_path finds here: by
# distribution name, by module name, distribution != module name
CASES = ('mmaction2', 'mmaction', 'mmengine', 'mmcv-lite', 'mmcv', 'torch',
         'numpy', 'pytest', 'opencv-python', 'Pillow',
         'surely_not_an_installed_package_42')


def _outcome(function, package):
    try:
        return 'returns', function(package)
    except Exception as err:  # noqa: BLE001 - the type is the contract
        return 'raises', type(err)


def test_the_patch_is_gated_on_pkg_resources_missing():
    """Where setuptools still ships pkg_resources, mmengine's functions
    stay (its callers and tests expect pkg_resources.DistributionNotFound);
    where it does not, they are replaced."""
    import mmengine.config.config as config_module
    import mmengine.utils
    from ftplugin.compat import installed_path
    patched = mmengine.utils.get_installed_path is (
        installed_path.get_installed_path)
    assert patched == (not installed_path.has_pkg_resources())
    assert (config_module.is_installed is installed_path.is_installed) == (
        patched)


def test_patched_functions_match_the_originals(tmp_path, monkeypatch):
    """On every case mmengine's own functions handle: the same path, the
    same answer, and the same exception type for an unknown package; also
    for a package found on sys.path only (PYTHONPATH) and a namespace
    package (mmengine 0.10.7: RuntimeError)."""
    from ftplugin.compat import installed_path
    if not installed_path.has_pkg_resources():
        pytest.skip('the originals need pkg_resources, absent here')
    from mmengine.utils import package_utils
    assert package_utils.get_installed_path is not (
        installed_path.get_installed_path)  # mmengine's own, unpatched
    (tmp_path / 'only_on_path_42').mkdir()
    (tmp_path / 'only_on_path_42' / '__init__.py').write_text('')
    (tmp_path / 'namespace_pkg_42').mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    for package in CASES + ('only_on_path_42', 'namespace_pkg_42'):
        original = _outcome(package_utils.get_installed_path, package)
        ours = _outcome(installed_path.get_installed_path, package)
        assert ours == original, package
        assert installed_path.is_installed(package) == (
            package_utils.is_installed(package)), package
    import pkg_resources
    with pytest.raises(pkg_resources.DistributionNotFound):
        installed_path.get_installed_path(CASES[-1])


def test_without_pkg_resources_the_patch_applies(monkeypatch):
    import importlib.metadata
    import sys

    import mmengine.config.config as config_module
    import mmengine.utils
    from mmengine.utils import package_utils

    from ftplugin.compat import installed_path
    for module in (package_utils, mmengine.utils, config_module):
        for name in ('get_installed_path', 'is_installed'):
            # restored after the test, whatever apply() sets
            monkeypatch.setattr(module, name, getattr(module, name))
    monkeypatch.setitem(sys.modules, 'pkg_resources', None)
    assert not installed_path.has_pkg_resources()
    installed_path.apply()
    assert mmengine.utils.get_installed_path is (
        installed_path.get_installed_path)
    assert config_module.is_installed is installed_path.is_installed
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        mmengine.utils.get_installed_path(CASES[-1])
    import mmaction
    assert osp.samefile(mmengine.utils.get_installed_path('mmaction2'),
                        osp.dirname(mmaction.__file__))
