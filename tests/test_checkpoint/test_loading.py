"""ftplugin.checkpoint.loading: the one allow-listed loader."""
import os
import shlex

import pytest
import torch
from mmengine.logging import HistoryBuffer

from ftplugin.checkpoint import (CorruptCheckpointError,
                                 UnsafeCheckpointError, load_pretrained,
                                 safe_torch_load)

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


def test_allow_list_holds_what_a_resume_needs(tmp_path):
    """numpy RNG state (uint32 array), python RNG state (tuples of ints),
    HistoryBuffer: what resuming checkpoints carry, loaded as data."""
    import random

    import numpy as np
    buffer = HistoryBuffer()
    buffer.update(1.5)
    state = {'random_state': dict(python=random.getstate(),
                                  numpy=np.random.get_state(),
                                  torch=torch.get_rng_state()),
             'message_hub': {'log_scalars': {'train/loss': buffer}}}
    torch.save(state, tmp_path / 'resume.pth')
    loaded = safe_torch_load(str(tmp_path / 'resume.pth'))
    assert loaded['random_state']['python'] == random.getstate()
    assert np.array_equal(loaded['random_state']['numpy'][1],
                          np.random.get_state()[1])
    assert loaded['message_hub']['log_scalars']['train/loss'].mean() == 1.5


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
    ckpt = safe_torch_load(path)
    assert keys <= set(ckpt)
    buffers = list(ckpt['message_hub']['log_scalars'].values())
    assert buffers and all(isinstance(b, HistoryBuffer) for b in buffers)
    # the statistics methods survive the restricted unpickling
    values, _ = buffers[0].data
    assert buffers[0].mean() == pytest.approx(float(values.mean()))
    assert ckpt['meta']['epoch'] >= 1


# ------------------------------------------------------ corrupt files
def _written(path):
    torch.save({'state_dict': {'w': torch.randn(64, 64)}}, path)
    return path.read_bytes()


@pytest.mark.parametrize('cut', ['empty', 'head', 'half', 'text'])
def test_empty_or_truncated_checkpoint_is_named(tmp_path, cut):
    """Bare EOFError / RuntimeError / OSError of torch named no file."""
    path = tmp_path / 'cut.pth'
    data = _written(path)
    path.write_bytes(dict(empty=b'', head=data[:100],
                          half=data[:len(data) // 2],
                          text=b'this is not a checkpoint')[cut])
    with pytest.raises(CorruptCheckpointError) as info:
        safe_torch_load(str(path))
    message = str(info.value)
    assert message.startswith(str(path))
    assert ('is empty (0 bytes)' if cut == 'empty' else
            f'({path.stat().st_size} bytes) is not a readable checkpoint'
            ) in message


def test_resolve_last_checkpoint(tmp_path):
    from ftplugin.checkpoint.loading import resolve_last_checkpoint
    assert resolve_last_checkpoint(str(tmp_path)) is None  # mmengine's way
    pointer = tmp_path / 'last_checkpoint'
    (tmp_path / 'epoch_1.pth').write_bytes(b'x')
    (tmp_path / 'epoch_2.pth').write_bytes(b'x')
    os.utime(tmp_path / 'epoch_1.pth', (1, 1))
    pointer.write_text(str(tmp_path / 'epoch_2.pth'))
    assert resolve_last_checkpoint(str(tmp_path)) == str(
        tmp_path / 'epoch_2.pth')
    # a moved work dir names the old folder: the file here is taken
    pointer.write_text('/elsewhere/old_run/epoch_2.pth')
    warnings = []
    logger = type('L', (), {'warning': lambda self, m: warnings.append(m)})()
    assert resolve_last_checkpoint(str(tmp_path), logger) == str(
        tmp_path / 'epoch_2.pth')
    assert 'a moved or copied work dir?' in warnings[0]
    for garbage in (b'', b'\x00\xff\xfe garbage', b'not/a/file.pth',
                    b'a\nb'):
        pointer.write_bytes(garbage)
        with pytest.raises(CorruptCheckpointError) as info:
            resolve_last_checkpoint(str(tmp_path))
        message = str(info.value)
        assert message.startswith(f'{pointer} should name the checkpoint')
        assert f'--resume {tmp_path / "epoch_2.pth"}' in message
