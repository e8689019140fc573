"""ftplugin.checkpoint.loading: the one allow-listed loader."""
import os
import shlex

import pytest
import torch
from mmengine.logging import HistoryBuffer

from ftplugin.checkpoint import (UnsafeCheckpointError, load_pretrained,
                                 safe_torch_load)
from ftplugin.checkpoint.loading import trusted_checkpoint_dir

# ---------------------------------------------------------- unsafe files
class Exploit:
    """Unpickling calls ``func(*args)``."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def exploits(marker):
    return {
        'os.system': Exploit(os.system,
                             (f'touch {shlex.quote(str(marker))}', )),
        'open': Exploit(open, (str(marker), 'w')),
    }


@pytest.mark.parametrize('kind', ['os.system', 'open'])
def test_unsafe_checkpoint_is_refused_without_running_code(
        tmp_path, kind, classifier_cfg, build):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {'w': torch.zeros(1)},
                'meta': exploits(marker)[kind]}, path)
    with pytest.raises(UnsafeCheckpointError) as err:
        safe_torch_load(str(path))
    assert str(path) in str(err.value)
    assert not marker.exists()
    # through the adapter and through mmengine's own loader too
    with pytest.raises(UnsafeCheckpointError):
        load_pretrained(build(classifier_cfg), str(path))
    from mmengine.runner import load_checkpoint
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(build(classifier_cfg), str(path))
    assert not marker.exists()


def test_trusted_dir_is_the_only_exception(tmp_path):
    """A run's own work dir may hold full pickles (resume); a sibling dir
    whose name starts the same may not."""
    work = tmp_path / 'run'
    work.mkdir()
    sibling = tmp_path / 'run_other'
    sibling.mkdir()
    obj = {'state_dict': {'w': torch.ones(2)}, 'extra': Exploit(
        dict, ((('a', 1), ), ))}
    torch.save(obj, work / 'ckpt.pth')
    torch.save(obj, sibling / 'ckpt.pth')
    with pytest.raises(UnsafeCheckpointError):
        safe_torch_load(str(work / 'ckpt.pth'))
    with trusted_checkpoint_dir(str(work)):
        loaded = safe_torch_load(str(work / 'ckpt.pth'))
        assert loaded['extra'] == {'a': 1}
        with pytest.raises(UnsafeCheckpointError):
            safe_torch_load(str(sibling / 'ckpt.pth'))
    with pytest.raises(UnsafeCheckpointError):
        safe_torch_load(str(work / 'ckpt.pth'))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        safe_torch_load(str(tmp_path / 'absent.pth'))


# ---------------------------------------------- checkpoints of our runs
@pytest.mark.parametrize('which', ['last', 'best'])
def test_mmengine_run_checkpoint_loads_safely(trained_runs, which):
    if which == 'last':
        path = (trained_runs.finetune_dir / 'last_checkpoint').read_text(
        ).strip()
        keys = {'meta', 'state_dict', 'message_hub', 'optimizer',
                'param_schedulers'}
    else:
        path = str(trained_runs.best_ckpt)
        keys = {'meta', 'state_dict', 'message_hub'}
    ckpt = safe_torch_load(path)  # outside any trusted work dir
    assert keys <= set(ckpt)
    buffers = list(ckpt['message_hub']['log_scalars'].values())
    assert buffers and all(isinstance(b, HistoryBuffer) for b in buffers)
    # the statistics methods survive the restricted unpickling
    values, _ = buffers[0].data
    assert buffers[0].mean() == pytest.approx(float(values.mean()))
    assert ckpt['meta']['epoch'] >= 1
