"""env_cfg.torch_num_threads: resolved from cores and workers, applied by
FineTuneRunner (so by tools/train.py and tools/test.py)."""
import pytest
import torch
from mmengine.model import BaseModel

from ftplugin.engine.runner import FineTuneRunner
from ftplugin.utils import threads
from ftplugin.utils.threads import resolve_num_threads


@pytest.fixture
def keep_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_auto_shares_the_cores(monkeypatch):
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    monkeypatch.setattr(threads, '_usable_cores', lambda: 8)
    assert resolve_num_threads('auto') == 8
    assert resolve_num_threads('auto', num_workers=2) == 6
    assert resolve_num_threads('auto', num_workers=2,
                               local_world_size=2) == 3
    assert resolve_num_threads('auto', num_workers=16) == 1


def test_auto_follows_omp_num_threads(monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '3')
    assert resolve_num_threads('auto', num_workers=1) == 3


def test_explicit_and_none(monkeypatch):
    monkeypatch.setenv('OMP_NUM_THREADS', '3')
    assert resolve_num_threads(2) == 2
    assert resolve_num_threads(None) is None
    for bad in (0, -1, 'many', 1.5, True):
        with pytest.raises(ValueError, match='torch_num_threads'):
            resolve_num_threads(bad)


class Tiny(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 2)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.fc(inputs)


@pytest.mark.parametrize('wanted', [1, 2])
def test_runner_applies_the_setting(tmp_path, keep_threads, wanted):
    torch.set_num_threads(3 - wanted)  # the other value
    FineTuneRunner(
        model=Tiny(), work_dir=str(tmp_path),
        env_cfg=dict(torch_num_threads=wanted, dist_cfg=dict(
            backend='gloo')),
        default_scope='mmaction')
    assert torch.get_num_threads() == wanted


def test_runner_rejects_a_bad_setting(tmp_path, keep_threads):
    with pytest.raises(ValueError, match='torch_num_threads'):
        FineTuneRunner(model=Tiny(), work_dir=str(tmp_path),
                       env_cfg=dict(torch_num_threads=0,
                                    dist_cfg=dict(backend='gloo')),
                       default_scope='mmaction')
