"""compat.apply: explicit, idempotent, version-gated, no global side effects
beyond the patches (warnings filters, matplotlib backend)."""
import importlib.util
import sys

from ftplugin.compat.versions import affected


def test_apply_is_idempotent():
    from mmengine.registry import OPTIM_WRAPPERS

    from ftplugin import compat
    wrapper = OPTIM_WRAPPERS.get('AmpOptimWrapper')
    compat.apply()
    assert OPTIM_WRAPPERS.get('AmpOptimWrapper') is wrapper
    assert importlib.util.find_spec('mmaction') is not None
    assert 'mmaction.models.localizers.drn' in sys.modules


def test_affected_checks_the_installed_version(caplog):
    import mmengine
    assert affected('x', 'mmengine', f'=={mmengine.__version__}')
    with caplog.at_level('DEBUG', logger='ftplugin.compat'):
        assert not affected('x', 'mmengine', f'<{mmengine.__version__}')
        assert not affected('y', 'surely-not-installed-42', '>=0')
    assert 'compat patch x not applied: mmengine' in caplog.text
    assert 'surely-not-installed-42 (not installed)' in caplog.text


GATES = '''
import importlib.metadata, logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)
real_version = importlib.metadata.version
def version(name):
    return {FAKE}.get(name) or real_version(name)
importlib.metadata.version = version
if {NO_PKG_RESOURCES}:
    sys.modules['pkg_resources'] = None  # as with setuptools >= 82
import torch
torch.cuda.is_available = lambda: {CUDA}
import mmengine.utils, mmengine.optim
from mmengine.dist import utils as dist_utils
from mmengine.registry import OPTIM_WRAPPERS
stock = (mmengine.utils.get_installed_path, dist_utils._init_dist_pytorch)
import ftplugin
print('installed_path patched',
      mmengine.utils.get_installed_path is not stock[0])
print('dist patched', dist_utils._init_dist_pytorch is not stock[1])
print('amp patched', OPTIM_WRAPPERS.get('AmpOptimWrapper')
      is not mmengine.optim.AmpOptimWrapper)
'''


def test_fixed_upstream_versions_make_the_patches_no_ops(run_tool):
    proc = run_tool(['-c', GATES.replace('{FAKE}', "{'mmengine': '0.11.0'}")
                     .replace('{CUDA}', 'False')
                     .replace('{NO_PKG_RESOURCES}', 'True')])
    out = proc.stdout
    for name in ('installed_path', 'dist', 'amp'):
        assert f'{name} patched False' in out, out[-2000:]
    for patch in ('installed_path', 'cpu_distributed', 'cpu_amp'):
        assert (f'compat patch {patch} not applied: mmengine 0.11.0 is not '
                f'in <=0.10.7') in out


def test_gpu_runs_keep_mmengines_amp_and_dist(run_tool):
    """With CUDA present, AmpOptimWrapper and the dist init are mmengine's
    own; the pkg_resources fix still applies where pkg_resources is missing
    (it is not about devices)."""
    # mmengine's logger reads the device id from CUDA_VISIBLE_DEVICES
    proc = run_tool(['-c', GATES.replace('{FAKE}', '{}')
                     .replace('{CUDA}', 'True')
                     .replace('{NO_PKG_RESOURCES}', 'True')],
                    env={'CUDA_VISIBLE_DEVICES': '0'})
    out = proc.stdout
    assert 'amp patched False' in out and 'dist patched False' in out, out
    assert 'installed_path patched True' in out
    assert 'compat patch cpu_amp not applied: CUDA present' in out


def test_pkg_resources_present_keeps_mmengines_installed_path(run_tool):
    """The installed_path patch is gated on what it fixes: with
    pkg_resources importable, mmengine's own functions stay."""
    import importlib.util
    if importlib.util.find_spec('pkg_resources') is None:
        import pytest
        pytest.skip('setuptools here ships no pkg_resources')
    proc = run_tool(['-c', GATES.replace('{FAKE}', '{}')
                     .replace('{CUDA}', 'False')
                     .replace('{NO_PKG_RESOURCES}', 'False')])
    out = proc.stdout
    assert 'installed_path patched False' in out, out[-2000:]
    assert ('compat patch installed_path not applied: pkg_resources is '
            'importable') in out


NO_SIDE_EFFECTS = '''
import sys, warnings
import matplotlib
matplotlib.use('svg')
ours = []
real = warnings.filterwarnings, warnings.simplefilter
def recording(function):
    def wrapped(*args, **kwargs):
        function(*args, **kwargs)
        if 'ftplugin' in sys._getframe(1).f_code.co_filename:
            ours.append(warnings.filters[0])
    return wrapped
warnings.filterwarnings, warnings.simplefilter = map(recording, real)
import ftplugin
import mmaction.models  # needs the missing_drn stand-in
from mmaction.registry import MODELS
assert MODELS.get('DRN') is not None
from ftplugin.visualization import plot_training_curves
plot_training_curves([dict(epoch=1, train=dict(loss=1.0), lr=0.1)],
                     sys.argv[1])
print('leftover filters of ftplugin:', [f for f in ours
                                        if f in warnings.filters])
print('backend:', matplotlib.get_backend())
'''


def test_import_sets_no_warnings_filter_nor_backend(run_tool, tmp_path):
    """In a fresh process (also: mmaction.models imports there)."""
    out = tmp_path / 'curves.png'
    proc = run_tool(['-c', NO_SIDE_EFFECTS, str(out)])
    assert 'leftover filters of ftplugin: []' in proc.stdout
    assert 'backend: svg' in proc.stdout
    assert out.read_bytes()[:4] == b'\x89PNG'
