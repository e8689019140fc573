"""InfoNCELoss against SimCLR's NT-Xent written out directly."""
import pytest
import torch
import torch.nn.functional as F

from ftplugin.models.losses import InfoNCELoss


def nt_xent(z1, z2, temperature):
    """SimCLR's loss for two views, as its paper writes it: 2N anchors,
    the other view the positive, the 2N - 2 others the negatives."""
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = len(z1)
    sim = z @ z.t() / temperature
    losses = []
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        others = torch.cat([sim[i, :i], sim[i, i + 1:]])
        losses.append(-sim[i, j] + torch.logsumexp(others, 0))
    return torch.stack(losses).mean()


def test_two_views_is_simclr_nt_xent():
    torch.manual_seed(0)
    z = torch.randn(6, 2, 16)
    for t in (0.1, 0.5):
        assert InfoNCELoss(temperature=t)(z) == pytest.approx(
            nt_xent(z[:, 0], z[:, 1], t).item(), rel=1e-5)


def test_matching_views_score_lower_than_unrelated_ones():
    torch.manual_seed(0)
    base = torch.randn(8, 32)
    aligned = torch.stack([base, base + 0.05 * torch.randn(8, 32)], 1)
    unrelated = torch.stack([base, torch.randn(8, 32)], 1)
    loss = InfoNCELoss(temperature=0.1)
    assert loss(aligned) < 0.1 < loss(unrelated)


def test_three_views_average_every_positive_pair():
    torch.manual_seed(1)
    z = torch.randn(4, 3, 8)
    t = 0.2
    zn = F.normalize(z.flatten(0, 1), dim=1)
    sim = zn @ zn.t() / t
    expected = []
    for a in range(12):
        others = torch.cat([sim[a, :a], sim[a, a + 1:]])
        for p in range(12):
            if p != a and p // 3 == a // 3:
                expected.append(torch.logsumexp(others, 0) - sim[a, p])
    assert InfoNCELoss(temperature=t)(z) == pytest.approx(
        torch.stack(expected).mean().item(), rel=1e-5)


def test_needs_two_samples_of_two_views():
    with pytest.raises(ValueError, match='at least 2 samples'):
        InfoNCELoss()(torch.randn(1, 2, 4))
    with pytest.raises(ValueError, match='at least 2 views'):
        InfoNCELoss()(torch.randn(4, 1, 4))
