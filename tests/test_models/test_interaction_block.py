"""InteractionBlock: masked attention, identity without keys, zero-init
output (a new block adds nothing)."""
import torch

from ftplugin.models.heads.ia import InteractionBlock


def randomised(block, seed=0):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in block.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
    return block.eval()


def test_new_block_is_identity_and_rows_without_keys_are_untouched():
    block = InteractionBlock(8).eval()
    query, keys = torch.randn(3, 8), torch.randn(2, 4, 8)
    index = torch.tensor([0, 0, 1])
    mask = torch.ones(3, 4, dtype=torch.bool)
    assert torch.equal(block(query, keys, index, mask), query)  # W_o = 0
    randomised(block)
    mask[1] = False
    out = block(query, keys, index, mask)
    assert torch.equal(out[1], query[1])
    assert not torch.allclose(out[0], query[0])


def test_masked_keys_have_no_influence():
    block = randomised(InteractionBlock(8, num_positions=4))
    query, keys = torch.randn(2, 8), torch.randn(1, 4, 8)
    index = torch.zeros(2, dtype=torch.long)
    mask = torch.tensor([[True, False, True, False]] * 2)
    positions = torch.arange(4)
    out = block(query, keys, index, mask, positions)
    changed = keys.clone()
    changed[0, [1, 3]] = 1e3  # masked keys, even huge ones
    assert torch.allclose(block(query, changed, index, mask, positions), out)
    changed[0, 0] += 1  # a visible key
    assert not torch.allclose(
        block(query, changed, index, mask, positions), out)
    # the temporal positions make the slot of a key matter
    assert not torch.allclose(
        block(query, keys, index, mask, torch.tensor([1, 0, 3, 2])), out)
