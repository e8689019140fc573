"""compat.cpu_distributed: gloo and no device ids without CUDA."""
import pytest
import torch


def test_init_dist_pytorch_uses_gloo_without_cuda(monkeypatch):
    if torch.cuda.is_available():
        pytest.skip('checks the CPU path')
    import torch.distributed as torch_dist
    from mmengine.dist import utils as dist_utils
    calls = []
    monkeypatch.setattr(torch_dist, 'init_process_group',
                        lambda **kw: calls.append(kw))

    def no_cuda(*args, **kwargs):
        raise AssertionError('torch.cuda.set_device called on a CPU host')

    monkeypatch.setattr(torch.cuda, 'set_device', no_cuda)
    dist_utils._init_dist_pytorch('nccl')
    assert len(calls) == 1 and calls[0]['backend'] == 'gloo'
