"""compat.installed_path: mmengine helpers without pkg_resources."""
import os.path as osp


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
