"""The installed package never reaches into the checkout around it: no
module locates the repository from its own path or runs its scripts (the
demo and the tools live beside ``tools/``, as mmaction2's ``demo/``)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / 'ftplugin'


def _modules():
    return sorted(PACKAGE.rglob('*.py'))


def test_no_module_locates_the_checkout_or_runs_its_scripts():
    offenders = []
    for path in _modules():
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or '']
            if any(n.split('.')[0] == 'subprocess' for n in names):
                offenders.append(f'{path}: imports subprocess')
            if isinstance(node, ast.Name) and node.id == '__file__':
                offenders.append(f'{path}:{node.lineno}: uses __file__')
    assert not offenders, '\n'.join(offenders)


def test_the_check_sees_an_offender(tmp_path, monkeypatch):
    """The scan above finds what it looks for."""
    bad = tmp_path / 'ftplugin'
    bad.mkdir()
    (bad / 'm.py').write_text('import subprocess\nROOT = __file__\n')
    monkeypatch.setattr(__import__(__name__), 'PACKAGE', bad)
    try:
        test_no_module_locates_the_checkout_or_runs_its_scripts()
    except AssertionError as e:
        assert 'imports subprocess' in str(e) and 'uses __file__' in str(e)
    else:
        raise AssertionError('the layout check found nothing')
