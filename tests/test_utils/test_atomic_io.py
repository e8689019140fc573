"""utils.atomic_io: a write that fails half-way (a full disk: ENOSPC after
some bytes) leaves the previous file, or none, never a truncated one under
the final name, and no temporary file. Checked on the helpers and on each
route that writes a kept output: butppg's final_model.pt and best_model.pt
(OriginalOutputsHook), training_history.json / test_metrics.json
(TrainingHistoryHook), the --dump pickle (AtomicDumpResults), the ONNX
export, report.md, the PNG figures."""
import builtins
import errno
import json
import os
import shutil
from types import SimpleNamespace

import pytest
import torch

from ftplugin.utils import atomic_io

PREVIOUS = b'the previous, complete file\n'


class _FullDiskFile:
    """A file object whose writes stop with ENOSPC after ``budget`` bytes
    (the first ones do reach the disk, as on a real full disk)."""

    def __init__(self, f, budget):
        self._f = f
        self._budget = budget

    def write(self, data):
        if len(data) > self._budget:
            self._f.write(data[:self._budget])
            self._f.flush()
            self._budget = 0
            raise OSError(errno.ENOSPC, 'No space left on device')
        self._budget -= len(data)
        return self._f.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()

    def __getattr__(self, name):
        return getattr(self._f, name)


@pytest.fixture
def full_disk(monkeypatch):
    """From now on, files opened for writing take 8 bytes, then ENOSPC;
    shutil.copyfile copies half of the file, then ENOSPC."""
    real_open = builtins.open

    def limited_open(file, mode='r', *args, **kwargs):
        f = real_open(file, mode, *args, **kwargs)
        return _FullDiskFile(f, 8) if set(mode) & set('wax') else f

    def half_copy(src, dst, *args, **kwargs):
        with real_open(src, 'rb') as f:
            data = f.read()
        with real_open(dst, 'wb') as f:
            f.write(data[:len(data) // 2])
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(builtins, 'open', limited_open)
    monkeypatch.setattr(shutil, 'copyfile', half_copy)


def assert_untouched(path, previous):
    """``path`` holds ``previous`` (None: absent), and its folder holds no
    temporary file."""
    if previous is None:
        assert not path.exists(), f'{path} was left behind'
    else:
        assert path.read_bytes() == previous, f'{path} was changed'
    leftovers = [p.name for p in path.parent.iterdir() if '.tmp-' in p.name]
    assert leftovers == [], leftovers


@pytest.mark.parametrize('previous', [PREVIOUS, None],
                         ids=['previous_file', 'no_file'])
def test_text_and_json_writes(tmp_path, full_disk, previous):
    def write_bytes(path):
        with atomic_io.atomic_open(path, 'wb') as f:
            f.write(b'y' * 100)

    for name, write in (
            ('a.txt', lambda p: atomic_io.atomic_write_text(p, 'x' * 100)),
            ('b.json', lambda p: atomic_io.atomic_write_json(
                p, {'key': list(range(50))})),
            ('c.bin', write_bytes)):
        path = tmp_path / name
        if previous is not None:
            path.write_bytes(previous)
        with pytest.raises(OSError, match='No space left'):
            write(str(path))
        assert_untouched(path, previous)


def test_a_complete_write_replaces_the_file(tmp_path):
    path = tmp_path / 'a.json'
    path.write_bytes(PREVIOUS)
    atomic_io.atomic_write_json(str(path), {'a': 1})
    assert json.loads(path.read_text()) == {'a': 1}
    assert [p.name for p in tmp_path.iterdir()] == ['a.json']


@pytest.mark.parametrize('previous', [PREVIOUS, None],
                         ids=['previous_file', 'no_file'])
def test_final_and_best_model_copies(tmp_path, full_disk, previous):
    """butppg's final_model.pt / best_model.pt (OriginalOutputsHook): the
    issue's full-disk case, which left a truncated final_model.pt."""
    from ftplugin.engine.hooks.original_outputs_hook import (
        OriginalOutputsHook)
    work = tmp_path / 'work'
    work.mkdir()
    checkpoint = work / 'epoch_3.pth'
    checkpoint.write_bytes(os.urandom(4096))
    for name in ('final_model.pt', 'best_model.pt'):
        if previous is not None:
            (work / name).write_bytes(previous)
    hub = SimpleNamespace(get_info=lambda key: str(checkpoint))
    runner = SimpleNamespace(work_dir=str(work), message_hub=hub,
                             logger=SimpleNamespace(warning=print))
    with pytest.raises(OSError, match='No space left'):
        OriginalOutputsHook.after_train.__wrapped__(
            OriginalOutputsHook(), runner)
    for name in ('final_model.pt', 'best_model.pt'):
        assert_untouched(work / name, previous)


def test_history_and_test_metrics_json(tmp_path, full_disk):
    from ftplugin.engine.hooks.training_history_hook import (
        TrainingHistoryHook)
    (tmp_path / 'test_metrics.json').write_bytes(PREVIOUS)
    (tmp_path / 'training_history.json').write_bytes(PREVIOUS)
    hook = TrainingHistoryHook(plot_interval_s=1e9)
    hook.history = [dict(epoch=1, train=dict(loss=1.0))]
    runner = SimpleNamespace(work_dir=str(tmp_path))
    with pytest.raises(OSError, match='No space left'):
        TrainingHistoryHook._write.__wrapped__(hook, runner)
    with pytest.raises(OSError, match='No space left'):
        TrainingHistoryHook.after_test_epoch.__wrapped__(
            hook, runner, {'acc/top1': 0.5})
    assert_untouched(tmp_path / 'test_metrics.json', PREVIOUS)
    assert_untouched(tmp_path / 'training_history.json', PREVIOUS)


def test_dump_pickle(tmp_path, full_disk):
    from ftplugin.evaluation import AtomicDumpResults
    path = tmp_path / 'out.pkl'
    path.write_bytes(PREVIOUS)
    metric = AtomicDumpResults(out_file_path=str(path))
    with pytest.raises(OSError, match='No space left'):
        metric.compute_metrics([dict(pred_score=torch.rand(100))])
    assert_untouched(path, PREVIOUS)


def test_onnx_export(tmp_path, monkeypatch):
    """torch.onnx.export dying half-way through its file."""
    from ftplugin.deployment import export_onnx

    def failing_export(model, args, f, **kwargs):
        with open(f, 'wb') as out:
            out.write(b'\x08\x07half a model')
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(torch.onnx, 'export', failing_export)
    path = tmp_path / 'model.onnx'
    path.write_bytes(PREVIOUS)
    with pytest.raises(OSError, match='No space left'):
        export_onnx(torch.nn.Linear(3, 2), dict(
            input_shape=(1, 3), input_names=['x'], output_names=['y']),
            str(path))
    assert_untouched(path, PREVIOUS)


def test_report_and_figure(tmp_path, monkeypatch):
    from ftplugin.visualization import plot_training_curves, write_report
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'test_metrics.json').write_text(json.dumps({'acc/top1': 0.5}))
    out = work / 'report'
    out.mkdir()
    (out / 'report.md').write_bytes(PREVIOUS)
    png = tmp_path / 'curves.png'
    png.write_bytes(PREVIOUS)
    real_open = builtins.open
    monkeypatch.setattr(builtins, 'open', lambda file, mode='r', *a, **k: (
        _FullDiskFile(real_open(file, mode, *a, **k), 8)
        if set(mode) & set('wax') else real_open(file, mode, *a, **k)))
    with pytest.raises(OSError, match='No space left'):
        write_report(str(work))
    assert_untouched(out / 'report.md', PREVIOUS)
    with pytest.raises(OSError, match='No space left'):
        plot_training_curves([dict(epoch=1, train=dict(loss=1.0), lr=0.1)],
                             str(png))
    assert_untouched(png, PREVIOUS)
