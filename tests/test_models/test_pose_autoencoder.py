"""PoseAutoencoder: shapes and freezing."""
import pytest
import torch
from mmaction.registry import MODELS
from torch import nn


def build(**kwargs):
    return MODELS.build(dict(type='PoseAutoencoder', **kwargs))


@pytest.mark.parametrize('shape', [(3, 2, 64, 18), (1, 2, 32, 18),
                                   (2, 2, 50, 17)])
def test_output_shapes(shape):
    torch.manual_seed(0)
    model = build().eval()
    x = torch.randn(shape)
    latent, recon = model(x)
    assert latent.shape == (shape[0], 128)
    assert recon.shape == x.shape
    assert model.encode(x).shape == (shape[0], 128)
    assert model.decode(latent, (20, 9)).shape == (shape[0], 2, 20, 9)


def test_latent_dim_and_hidden_dims():
    model = build(latent_dim=16, hidden_dims=(8, 16, 24, 32)).eval()
    latent, recon = model(torch.randn(2, 2, 64, 18))
    assert latent.shape == (2, 16) and recon.shape == (2, 2, 64, 18)
    convs = [m for m in model.encoder if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [8, 16, 24, 32]
    assert [c.stride[0] for c in convs] == [2, 2, 2, 1]


def test_parameter_count_matches_seed():
    # ../shared/data/README.md: the seed's autoencoder has 231,618 parameters
    model = build()
    assert sum(p.numel() for p in model.parameters()) == 231_618


def test_frozen_modules_stay_frozen():
    torch.manual_seed(0)
    model = build(frozen_modules=('encoder', 'latent_head'))
    frozen = [p for n, p in model.named_parameters()
              if n.startswith(('encoder.', 'latent_head.'))]
    trainable = [p for n, p in model.named_parameters()
                 if n.startswith(('decoder_head.', 'decoder.'))]
    assert frozen and trainable
    assert not any(p.requires_grad for p in frozen)
    assert all(p.requires_grad for p in trainable)

    model.train()
    enc_bn = [m for m in model.encoder if isinstance(m, nn.BatchNorm2d)]
    dec_bn = [m for m in model.decoder if isinstance(m, nn.BatchNorm2d)]
    assert enc_bn and dec_bn
    assert not any(m.training for m in enc_bn)
    assert all(m.training for m in dec_bn)

    stats = [(m.running_mean.clone(), m.running_var.clone(),
              m.num_batches_tracked.clone()) for m in enc_bn]
    dec_stats = [m.running_mean.clone() for m in dec_bn]
    latent, recon = model(torch.randn(4, 2, 64, 18) * 3 + 1)
    recon.pow(2).mean().backward()
    for m, (mean, var, count) in zip(enc_bn, stats):
        assert torch.equal(m.running_mean, mean)
        assert torch.equal(m.running_var, var)
        assert torch.equal(m.num_batches_tracked, count)
    # the trainable part does update its statistics and gets gradients
    assert any(not torch.equal(m.running_mean, s)
               for m, s in zip(dec_bn, dec_stats))
    assert all(p.grad is None for p in frozen)
    assert any(p.grad is not None for p in trainable)

    # eval then train again: still frozen
    model.eval()
    model.train()
    assert not any(m.training for m in enc_bn)


def test_frozen_inside_classifier_after_train():
    """model.train() on the task model must keep the backbone BN frozen."""
    model = MODELS.build(dict(
        type='PoseAEClassifier',
        backbone=dict(type='PoseAutoencoder',
                      frozen_modules=('encoder', 'latent_head')),
        cls_head=dict(type='MLPHead', num_classes=2, in_channels=128)))
    model.train()
    bn = [m for m in model.backbone.encoder
          if isinstance(m, nn.BatchNorm2d)]
    assert not any(m.training for m in bn)
    assert all(p.requires_grad for p in model.cls_head.parameters())
