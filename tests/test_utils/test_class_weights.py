"""Class weights (function and tool), FocalLoss and ClassBalancedSampler."""
import json
from collections import Counter
from unittest import mock

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import DATA_SAMPLERS, MODELS
from mmengine.config import Config
from sklearn.utils.class_weight import compute_class_weight

from ftplugin.utils.class_weights import class_weights


# ------------------------------------------------------------ class weights
def test_inverse_weights_are_sklearn_balanced():
    counts = [30, 0, 5, 1, 64]
    labels = np.repeat(np.arange(5), counts)
    present = np.unique(labels)
    expected = compute_class_weight('balanced', classes=present, y=labels)
    weights = class_weights(counts, 'inverse')
    np.testing.assert_allclose(np.array(weights)[present], expected)
    assert weights[1] == 0.0
    # the sample-weighted mean is 1: the loss keeps its scale
    assert np.dot(weights, counts) == pytest.approx(sum(counts))
    sqrt = class_weights(counts, 'inverse', power=0.5)
    np.testing.assert_allclose(np.array(sqrt)[present], np.sqrt(expected))


def test_effective_number_weights():
    counts = [10, 1, 0]
    raw = np.array([0.1 / (1 - 0.9**10), 0.1 / (1 - 0.9)])
    expected = raw / raw.sum() * 2
    np.testing.assert_allclose(class_weights(counts, 'effective', beta=0.9),
                               [*expected, 0.0])
    # beta = 0: every present class weighs the same
    assert class_weights([7, 3, 0], 'effective', beta=0.0) == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match='beta'):
        class_weights(counts, 'effective', beta=1.0)
    with pytest.raises(ValueError, match='method'):
        class_weights(counts, 'median')


def _real_counts(root):
    data = json.loads((root / 'annotations/train.json').read_text())
    cats = {}
    for a in data['annotations']:
        cats.setdefault(a['image_id'], []).append(a['category_id'])
    labels = []
    for img in data['images']:
        if (root / 'frames' / f'{img["sensor_id"]}.h5').is_file():
            top = Counter(cats[img['id']]).most_common()
            labels.append(min(c for c, n in top if n == top[0][1]))
    return np.bincount(labels, minlength=14)


def test_class_weight_tool_on_real_annotations(thermal_real, run_tool,
                                               tmp_path):
    out = tmp_path / 'w.json'
    proc = run_tool(['tools/analysis/class_weights.py',
                     thermal_real / 'annotations/train.json',
                     '--class-mapping',
                     thermal_real / 'annotations/class_mapping.json',
                     '--frames-dir', thermal_real / 'frames', '--out', out])
    result = json.loads(out.read_text())
    counts = _real_counts(thermal_real)
    assert result['counts'] == counts.tolist()
    assert result['skipped_sensors'] == ['SL06_R1', 'SL06_R2']
    present = counts > 0
    expected = counts.sum() / (present.sum() * counts[present])
    np.testing.assert_allclose(np.array(result['class_weight'])[present],
                               expected, atol=1e-4)
    printed = proc.stdout
    line = next(x for x in printed.splitlines() if x.startswith('--cfg'))
    assert line.startswith('--cfg-options "model.cls_head.loss_cls.'
                           'class_weight=[')
    # the printed snippet is a valid config wiring the weights in
    snippet = next(x for x in printed.splitlines()
                   if x.startswith('model = dict('))
    (tmp_path / 'snippet.py').write_text(snippet + '\n')
    cfg = Config.fromfile(str(tmp_path / 'snippet.py'))
    assert cfg.model.cls_head.loss_cls.class_weight == result['class_weight']


def test_configs_wire_class_weights_into_the_loss(repo_root):
    cfg = Config.fromfile(
        str(repo_root / 'configs/thermal/slowonly_r18_thermal_cpu.py'))
    weights = cfg.model.cls_head.loss_cls.class_weight
    assert len(weights) == 14 and max(weights) > 1 > min(weights)
    head = MODELS.build(cfg.model.cls_head)
    torch.testing.assert_close(head.loss_cls.class_weight,
                               torch.tensor(weights))
    # the head's loss is the weighted cross-entropy, not the plain one
    scores = torch.randn(6, 14, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 3, 3, 3, 9])
    loss = head.loss_cls(scores, labels)
    torch.testing.assert_close(
        loss, F.cross_entropy(scores, labels, weight=torch.tensor(weights)))
    assert not torch.isclose(loss, F.cross_entropy(scores, labels))
    sf = Config.fromfile(
        str(repo_root / 'configs/thermal/slowfast_r50_thermal_finetune.py'))
    assert len(sf.model.cls_head.loss_cls.class_weight) == 14


# --------------------------------------------------------------- focal loss
def _focal_reference(scores, labels, gamma, weight):
    """Per-sample loop, straight from the formula."""
    total, norm = 0.0, 0.0
    for s, y in zip(scores.tolist(), labels.tolist()):
        p = np.exp(s - np.max(s))
        p /= p.sum()
        total += -weight[y] * (1 - p[y])**gamma * np.log(p[y])
        norm += weight[y]
    return total / norm


@pytest.mark.parametrize('gamma', [0.5, 2.0])
def test_focal_loss_matches_the_formula(gamma):
    gen = torch.Generator().manual_seed(1)
    scores = torch.randn(16, 5, generator=gen) * 3
    labels = torch.randint(0, 5, (16, ), generator=gen)
    weight = [0.5, 2.0, 1.0, 3.0, 0.2]
    loss = MODELS.build(dict(type='FocalLoss', gamma=gamma,
                             class_weight=weight))
    got = loss(scores, labels)
    assert got.item() == pytest.approx(
        _focal_reference(scores.numpy(), labels.numpy(), gamma, weight),
        rel=1e-5)
    # soft one-hot labels give the same; sum = mean x summed weights
    soft = F.one_hot(labels, 5).float()
    assert loss(scores, soft).item() == pytest.approx(got.item(), rel=1e-6)
    summed = MODELS.build(dict(type='FocalLoss', gamma=gamma,
                               class_weight=weight, reduction='sum'))
    norm = torch.tensor(weight)[labels].sum()
    assert summed(scores, labels).item() == pytest.approx(
        (got * norm).item(), rel=1e-5)


def test_focal_loss_gamma_0_is_cross_entropy_and_focuses():
    gen = torch.Generator().manual_seed(2)
    scores = torch.randn(12, 4, generator=gen, requires_grad=True)
    labels = torch.randint(0, 4, (12, ), generator=gen)
    weight = torch.tensor([1.0, 0.3, 2.0, 5.0])
    ce = MODELS.build(dict(type='FocalLoss', gamma=0.0,
                           class_weight=weight.tolist()))
    torch.testing.assert_close(ce(scores, labels),
                               F.cross_entropy(scores, labels, weight=weight))
    # easy examples (high p_y) are down-weighted: a confident right answer
    # costs far less than under cross-entropy
    easy = torch.tensor([[8.0, 0.0, 0.0, 0.0]])
    focal = MODELS.build(dict(type='FocalLoss', gamma=2.0))
    assert focal(easy, torch.tensor([0])) < 1e-3 * F.cross_entropy(
        easy, torch.tensor([0]))
    none = MODELS.build(dict(type='FocalLoss', reduction='none'))
    assert none(scores, labels).shape == (12, )
    focal(scores, labels).backward()
    assert scores.grad is not None and torch.isfinite(scores.grad).all()


def test_focal_loss_in_a_head():
    head = MODELS.build(dict(
        type='I3DHead', num_classes=3, in_channels=8,
        loss_cls=dict(type='FocalLoss', gamma=2.0,
                      class_weight=[1.0, 2.0, 4.0]), label_smooth_eps=0.1))
    from mmaction.structures import ActionDataSample
    samples = [ActionDataSample().set_gt_label(torch.tensor(i % 3))
               for i in range(4)]
    losses = head.loss(torch.randn(4, 8, 2, 2, 2), samples)
    assert torch.isfinite(losses['loss_cls'])


# ------------------------------------------------------------------ sampler
class LabelsOnly:
    """The part of a dataset a class-aware sampler uses."""

    def __init__(self, labels):
        self.labels = list(labels)

    def __len__(self):
        return len(self.labels)

    def get_cat_ids(self, idx):
        return [self.labels[idx]]


def test_sampler_balances_classes():
    labels = [0] * 500 + [1] * 100 + [2] * 20 + [3] * 5
    ds = LabelsOnly(labels)
    sampler = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=ds, seed=0,
             num_samples=8000))
    drawn = Counter(labels[i] for i in sampler)
    assert len(sampler) == 8000 == sum(drawn.values())
    for c in range(4):  # each class about a quarter (binomial sd ~ 0.005)
        assert abs(drawn[c] / 8000 - 0.25) < 0.03
    # power 0: plain frequencies
    plain = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=ds, seed=0, power=0.0,
             num_samples=8000))
    freq = Counter(labels[i] for i in plain)
    assert abs(freq[0] / 8000 - 500 / 625) < 0.03
    # square root: shares proportional to sqrt(n_c)
    root = DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=ds, seed=0, power=0.5,
             num_samples=8000))
    share = Counter(labels[i] for i in root)
    expected = np.sqrt([500, 100, 20, 5]) / np.sqrt([500, 100, 20, 5]).sum()
    for c in range(4):
        assert abs(share[c] / 8000 - expected[c]) < 0.03


def test_sampler_is_seeded_per_epoch_and_splits_ranks():
    ds = LabelsOnly([0] * 50 + [1] * 10)
    a = DATA_SAMPLERS.build(dict(type='ClassBalancedSampler', dataset=ds,
                                 seed=3))
    b = DATA_SAMPLERS.build(dict(type='ClassBalancedSampler', dataset=ds,
                                 seed=3))
    assert list(a) == list(b) and len(a) == 60
    first = list(a)
    a.set_epoch(1)
    assert list(a) != first
    b.set_epoch(1)
    assert list(a) == list(b)
    module = 'ftplugin.datasets.class_balanced_sampler.get_dist_info'
    ranks = []
    for rank in (0, 1):
        with mock.patch(module, return_value=(rank, 2)):
            ranks.append(list(DATA_SAMPLERS.build(
                dict(type='ClassBalancedSampler', dataset=ds, seed=3,
                     num_samples=61))))
    assert len(ranks[0]) == len(ranks[1]) == 31
    single = list(DATA_SAMPLERS.build(dict(
        type='ClassBalancedSampler', dataset=ds, seed=3, num_samples=62)))
    assert single[0::2] == ranks[0] and single[1::2] == ranks[1]


def test_sampler_on_the_real_dataset(thermal_real, build_thermal):
    ds = build_thermal(thermal_real, skip_missing=True)
    counts = _real_counts(thermal_real)
    sampler = DATA_SAMPLERS.build(dict(type='ClassBalancedSampler',
                                       dataset=ds, seed=0))
    assert sampler.class_counts == {c: int(n) for c, n in enumerate(counts)
                                    if n}
    drawn = Counter()
    for epoch in range(6):
        sampler.set_epoch(epoch)
        drawn.update(ds.get_cat_ids(i)[0] for i in sampler)
    present = int((counts > 0).sum())
    share = np.array([drawn[c] for c in range(14) if counts[c]]) / sum(
        drawn.values())
    # 12 classes drawn ~equally although one class holds 47 % of samples
    assert np.abs(share - 1 / present).max() < 0.03
    assert counts.max() / counts.sum() > 0.4


def test_sampler_in_a_dataloader(thermal_gen, build_thermal):
    from mmengine.runner import Runner
    ds = build_thermal(thermal_gen)
    loader = Runner.build_dataloader(dict(
        batch_size=4, num_workers=0,
        sampler=dict(type='ClassBalancedSampler', seed=0),
        collate_fn=dict(type='pseudo_collate'), dataset=ds))
    batch = next(iter(loader))
    assert len(batch['imgs']) == 4
    assert len(loader) == int(np.ceil(len(ds) / 4))
