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


def test_ddp_wrapper_matches_the_original_without_device_ids(tmp_path):
    """The case the original DDP init handles on a CPU host (no device
    ids): the patched one builds the same wrapper, with the same outputs."""
    if torch.cuda.is_available():
        pytest.skip('checks the CPU path')
    import torch.distributed as torch_dist
    from mmengine.model.wrappers import MMDistributedDataParallel
    patched = MMDistributedDataParallel.__init__
    if not hasattr(patched, '_original'):
        pytest.skip('the DDP patch is not applied here')
    store = torch_dist.FileStore(str(tmp_path / 'store'), 1)
    torch_dist.init_process_group('gloo', store=store, rank=0, world_size=1)
    try:
        torch.manual_seed(0)
        module = torch.nn.Linear(4, 2)
        x = torch.randn(3, 4)
        ours = MMDistributedDataParallel.__new__(MMDistributedDataParallel)
        patched(ours, module=module, device_ids=None)
        theirs = MMDistributedDataParallel.__new__(MMDistributedDataParallel)
        patched._original(theirs, module=module, device_ids=None)
        assert ours.module is theirs.module is module
        assert ours.device_ids == theirs.device_ids
        assert torch.equal(ours(x), theirs(x))
    finally:
        torch_dist.destroy_process_group()
