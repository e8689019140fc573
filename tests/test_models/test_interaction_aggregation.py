"""InteractionAggregation: person-person interaction is equivariant to the
order of a clip's people and stays inside the clip; a person with no one to
interact with gets exactly the baseline head's output; object blocks are
skipped cleanly without object boxes; the three structures."""
import pytest
import torch

from ftplugin.models.heads import RoIActionHead
from ftplugin.models.heads.ia import InteractionAggregation
# non-zero weights everywhere (a new module starts as the identity)
from test_interaction_block import randomised

STRUCTURES = [('serial', ['P', 'P']), ('dense', ['P', 'O', 'P', 'P']),
              ('parallel', [['P', 'O'], ['P', 'O']])]


def make(structure, blocks, **kwargs):
    return randomised(InteractionAggregation(
        6, inner_channels=8, structure=structure, blocks=blocks, **kwargs))


def run(ia, x, clip_index, num_clips, **kwargs):
    return ia(x, clip_index=clip_index, num_clips=num_clips, **kwargs)


@pytest.mark.parametrize('structure,blocks', STRUCTURES)
def test_person_block_is_permutation_equivariant(structure, blocks):
    ia = make(structure, blocks)
    x = torch.randn(7, 6)
    clips = torch.tensor([0, 0, 0, 0, 1, 1, 1])
    out = run(ia, x, clips, 2)
    assert not torch.allclose(out, x, atol=1e-3)  # the blocks do something
    # any order of the rows, people of both clips interleaved
    perm = torch.tensor([5, 2, 0, 6, 3, 1, 4])
    assert torch.allclose(run(ia, x[perm], clips[perm], 2), out[perm],
                          atol=1e-5)
    # a person's result depends on the others of its clip only
    other = x.clone()
    other[5] += 1.0
    moved = run(ia, other, clips, 2)
    assert torch.allclose(moved[:4], out[:4], atol=1e-6)
    assert not torch.allclose(moved[4], out[4], atol=1e-4)


@pytest.mark.parametrize('structure,blocks', STRUCTURES)
def test_alone_in_the_clip_reduces_exactly_to_the_baseline_head(
        structure, blocks):
    torch.manual_seed(0)
    with_ia = RoIActionHead(6, 4, mid_channels=5, ia=dict(
        inner_channels=8, structure=structure, blocks=blocks))
    randomised(with_ia)
    baseline = RoIActionHead(6, 4, mid_channels=5).eval()
    missing, unexpected = baseline.load_state_dict(with_ia.state_dict(),
                                                   strict=False)
    assert not missing and all(k.startswith('ia.') for k in unexpected)
    rois = torch.randn(3, 6, 2, 2)
    single = dict(clip_index=torch.tensor([0, 1, 2]), num_clips=3)
    assert torch.equal(with_ia(rois, single), baseline(rois))
    together = dict(clip_index=torch.tensor([0, 0, 1]), num_clips=2)
    out = with_ia(rois, together)
    assert torch.equal(out[2], baseline(rois)[2])
    assert not torch.allclose(out[:2], baseline(rois)[:2], atol=1e-4)
    with pytest.raises(ValueError, match='ia_inputs'):
        with_ia(rois)


def test_object_blocks_are_skipped_without_objects():
    ia = make('serial', ['P', 'O', 'P', 'O'])
    x = torch.randn(3, 6)
    clips = torch.tensor([0, 0, 1])
    no_objects = run(ia, x, clips, 2)  # no object box file at all
    empty = run(ia, x, clips, 2, objects=(torch.zeros(0, 6),
                                          torch.zeros(0, dtype=torch.long)))
    assert torch.equal(no_objects, empty)
    # the same as a model without the object blocks (same P weights)
    persons_only = InteractionAggregation(6, inner_channels=8,
                                          structure='serial',
                                          blocks=['P', 'P'])
    state = {k: v for k, v in ia.state_dict().items()
             if not k.startswith(('blocks.O', 'object_'))}
    persons_only.load_state_dict(state)
    assert torch.allclose(run(persons_only.eval(), x, clips, 2), no_objects,
                          atol=1e-6)
    assert torch.equal(no_objects[2], x[2])  # alone, no objects
    # with objects, they count, per clip: clip 1's object reaches person 2
    objects = (torch.randn(2, 6), torch.tensor([0, 1]))
    with_objects = run(ia, x, clips, 2, objects=objects)
    assert not torch.allclose(with_objects[2], x[2], atol=1e-4)


def test_memory_blocks_read_the_memory_and_need_it():
    ia = make('dense', ['P', 'M', 'P', 'M'],
              memory=dict(before=1, after=2, max_per_slot=2))
    x = torch.randn(3, 6)
    clips = torch.tensor([0, 0, 1])
    memory = torch.randn(2, 6, 6)
    mask = torch.zeros(2, 6, dtype=torch.bool)
    with pytest.raises(ValueError, match='memory'):
        run(ia, x, clips, 2)
    empty = run(ia, x, clips, 2, memory=(memory, mask))
    assert torch.equal(empty[2], x[2])  # alone, nothing remembered
    mask[1, 3] = True
    out = run(ia, x, clips, 2, memory=(memory, mask))
    assert torch.allclose(out[:2], empty[:2])
    assert not torch.allclose(out[2], x[2], atol=1e-4)
    memory[1, 2] += 100  # a masked slot changes nothing
    assert torch.equal(run(ia, x, clips, 2, memory=(memory, mask)), out)


def test_new_module_is_the_identity_and_config_errors():
    ia = InteractionAggregation(6, inner_channels=8, structure='dense',
                                blocks=['P', 'P', 'P'])
    x = torch.randn(4, 6)
    assert torch.equal(ia.eval()(x, torch.tensor([0, 0, 1, 1]), 2), x)
    with pytest.raises(ValueError, match='structure'):
        InteractionAggregation(6, structure='tree')
    with pytest.raises(ValueError, match="'P'"):
        InteractionAggregation(6, structure='serial', blocks=['X'])
    with pytest.raises(ValueError, match='memory=dict'):
        InteractionAggregation(6, structure='serial', blocks=['M'])
    with pytest.raises(ValueError, match='equal length'):
        InteractionAggregation(6, structure='parallel',
                               blocks=[['P'], ['P', 'P']])
