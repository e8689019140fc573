"""utils.safe_pickle: a pickle a user passes never runs code. A payload is
planted in each route that reads one (tools/analysis/confusion_matrix.py,
tools/analysis/report.py --dump and the newest dump of a work dir,
ftplugin.apis.kfold) and in a tensor's nested storage blob; the payload must
not run and the error names the file and the global."""
import importlib.util
import io
import json
import os
import pickle
import shlex

import numpy as np
import pytest
import torch

from ftplugin.utils.safe_pickle import UnsafePickleError, safe_pickle_load


class Payload:
    """Unpickling calls ``os.system(command)``."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


class StoragePayload:
    """A tensor storage whose nested ``torch.save`` blob holds a payload,
    unpickled by ``torch.storage._load_from_bytes`` as a real tensor is."""

    def __init__(self, command):
        buffer = io.BytesIO()
        torch.save(Payload(command), buffer,
                   _use_new_zipfile_serialization=False)
        self.blob = buffer.getvalue()

    def __reduce__(self):
        return torch.storage._load_from_bytes, (self.blob, )


def dump_rows(n=4):
    """What tools/test.py --dump writes for a classifier."""
    return [dict(pred_score=torch.tensor([0.2, 0.8]),
                 pred_label=torch.tensor([i % 2]),
                 gt_label=torch.tensor([1]), filename=f'f{i}.csv',
                 extra=np.arange(3, dtype=np.float32))
            for i in range(n)]


def plant(path, marker, kind='payload'):
    rows = dump_rows()
    command = f'touch {shlex.quote(str(marker))}'
    rows[1]['pred_score'] = (Payload(command) if kind == 'payload' else
                             StoragePayload(command))
    with open(path, 'wb') as f:
        pickle.dump(rows, f)
    return path


def tool_module(repo_root, name):
    path = repo_root / 'tools' / 'analysis' / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dump_contents_load_as_written(tmp_path):
    rows = dump_rows() + [dict(scores=torch.zeros(2, dtype=torch.bfloat16),
                               boxes=np.zeros((0, 4)), value=np.float32(2),
                               ids={1, 2}, size=torch.Size([3]))]
    path = tmp_path / 'ok.pkl'
    with open(path, 'wb') as f:
        pickle.dump(rows, f)
    loaded = safe_pickle_load(str(path))
    assert torch.equal(loaded[0]['pred_score'], rows[0]['pred_score'])
    assert np.array_equal(loaded[0]['extra'], rows[0]['extra'])
    assert loaded[-1]['ids'] == {1, 2} and loaded[-1]['size'] == (3, )


@pytest.mark.parametrize('kind', ['payload', 'storage'])
def test_safe_pickle_load_refuses_a_payload(tmp_path, kind):
    marker = tmp_path / 'ran'
    path = plant(tmp_path / 'dump.pkl', marker, kind)
    with pytest.raises(UnsafePickleError) as info:
        safe_pickle_load(str(path))
    assert str(path) in str(info.value)
    assert 'system' in str(info.value)  # the global it would have called
    assert 'Nothing of the file was run' in str(info.value)
    assert not marker.exists(), 'the payload ran'


def test_empty_or_truncated_dump_is_named(tmp_path):
    path = tmp_path / 'cut.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dump_rows(), f)
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(ValueError, match=f'{path}: not a readable pickle'):
        safe_pickle_load(str(path))


def test_confusion_matrix_tool_refuses_a_payload(tmp_path, repo_root):
    marker = tmp_path / 'ran'
    path = plant(tmp_path / 'preds.pkl', marker)
    tool = tool_module(repo_root, 'confusion_matrix')
    with pytest.raises(SystemExit) as info:
        tool.main([str(path), '--out-dir', str(tmp_path / 'out')])
    assert str(path) in str(info.value.code)
    assert not marker.exists(), 'the payload ran'
    # an honest dump still works through the same route
    honest = tmp_path / 'honest.pkl'
    with open(honest, 'wb') as f:
        pickle.dump(dump_rows(), f)
    truth, preds = tool.load_predictions(str(honest))
    assert truth.tolist() == [1, 1, 1, 1] and preds.tolist() == [0, 1, 0, 1]


def _work_dir(tmp_path):
    work = tmp_path / 'work'
    work.mkdir()
    (work / 'test_metrics.json').write_text(json.dumps({'acc/top1': 0.5}))
    return work


@pytest.mark.parametrize('given', [True, False],
                         ids=['--dump', 'newest_pkl_of_the_work_dir'])
def test_report_refuses_a_payload(tmp_path, given):
    from ftplugin.visualization import write_report
    work = _work_dir(tmp_path)
    marker = tmp_path / 'ran'
    path = plant(work / 'test.pkl', marker)
    with pytest.raises(UnsafePickleError, match=str(path)):
        write_report(str(work), str(path) if given else None)
    assert not marker.exists(), 'the payload ran'


def test_report_tool_exits_naming_the_dump(tmp_path, run_tool):
    work = _work_dir(tmp_path)
    marker = tmp_path / 'ran'
    path = plant(tmp_path / 'test.pkl', marker)
    proc = run_tool(['tools/analysis/report.py', work, '--dump', path],
                    check=False)
    assert proc.returncode == 1
    assert f'error: Refusing to load {path}' in proc.stdout
    assert 'Traceback' not in proc.stdout
    assert not marker.exists(), 'the payload ran'


def test_kfold_reads_its_dumps_safely(tmp_path):
    from ftplugin.apis import kfold
    marker = tmp_path / 'ran'
    path = plant(tmp_path / 'test_predictions.pkl', marker)
    with pytest.raises(UnsafePickleError, match=str(path)):
        kfold._file_rows(str(path))
    assert not marker.exists(), 'the payload ran'
