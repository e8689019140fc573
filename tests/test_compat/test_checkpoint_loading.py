"""compat.checkpoint_loading: mmengine's checkpoint schemes go through
ftplugin's allow-listed loader, with the results of mmengine's own loaders
on every file those load."""
import collections
import shutil

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from ftplugin.checkpoint.loading import load_from_url, safe_torch_load


def _plain_checkpoints():
    """What the original (torch.load, weights_only by default) loads."""
    torch.manual_seed(0)
    weights = collections.OrderedDict(
        [('a.weight', torch.randn(3, 4)), ('a.bias', torch.zeros(3)),
         ('n', torch.tensor(7))])
    return dict(
        bare=weights,
        wrapped={'state_dict': weights, 'meta': {'epoch': 3, 'note': 'x',
                                                 'shape': [1, 2, (3, 4)]}},
        nested={'model': {'w': torch.ones(2, dtype=torch.float16)},
                'step': 5.5, 'flag': True, 'none': None})


def _equal(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return (isinstance(b, torch.Tensor) and a.dtype == b.dtype
                and torch.equal(a, b))
    if isinstance(a, dict):
        return (type(a) is type(b) and list(a) == list(b)
                and all(_equal(a[k], b[k]) for k in a))
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_equal(x, y) for x, y in zip(a, b)))
    return a == b


@pytest.mark.parametrize('case', ['bare', 'wrapped', 'nested'])
def test_local_scheme_matches_mmengines_loader(tmp_path, case):
    path = tmp_path / f'{case}.pth'
    torch.save(_plain_checkpoints()[case], path)
    original = mmengine_checkpoint.load_from_local(str(path), 'cpu')
    ours = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert _equal(ours, original)
    # routed: the scheme mmengine picks for a local file is ftplugin's
    assert CheckpointLoader._get_checkpoint_loader(str(path)) is (
        safe_torch_load)


def test_what_the_patch_fixes_loads(tmp_path):
    """mmengine's own checkpoints (HistoryBuffer, numpy): the original
    refuses them on torch >= 2.6, the patched route loads them."""
    path = tmp_path / 'mmengine.pth'
    buffer = HistoryBuffer()
    buffer.update(1.5)
    torch.save({'state_dict': {'w': torch.ones(1)}, 'message_hub': {
        'log_scalars': {'loss': buffer}}, 'meta': {
            'seed': np.uint32(3), 'arr': np.arange(3)}}, path)
    loaded = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert loaded['message_hub']['log_scalars']['loss'].current() == 1.5
    assert np.array_equal(loaded['meta']['arr'], np.arange(3))


def test_url_scheme_matches_torch_hub_on_a_cached_file(tmp_path):
    """``load_from_http`` -> ``load_from_url`` by design (the allow-listed
    loader): on a file already in the cache (no network) it returns what
    mmengine's own route (torch.hub's ``load_state_dict_from_url``) does."""
    assert mmengine_checkpoint.load_from_http is load_from_url
    cache = tmp_path / 'hub'
    cache.mkdir()
    source = tmp_path / 'w.pth'
    torch.save(_plain_checkpoints()['wrapped'], source)
    shutil.copy(source, cache / 'w.pth')
    url = 'https://example.invalid/models/w.pth'
    original = torch.hub.load_state_dict_from_url(
        url, model_dir=str(cache), map_location='cpu', progress=False)
    ours = load_from_url(url, map_location='cpu', model_dir=str(cache))
    assert _equal(ours, original)
