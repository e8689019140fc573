"""MaskedClipPretrainer and ContrastiveClipPretrainer on a tiny SlowOnly
backbone and random clips."""
from unittest import mock

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

BACKBONE = dict(
    type='ResNet3dSlowOnly', depth=18, pretrained=None, base_channels=4,
    lateral=False, conv1_kernel=(1, 7, 7), conv1_stride_s=2,
    conv1_stride_t=1, with_pool1=False, pool1_stride_t=1,
    inflate=(0, 0, 1, 1), norm_eval=False)
CLIP = (3, 4, 16, 24)  # C, T, H, W


def masked(**kwargs):
    cfg = dict(type='MaskedClipPretrainer', backbone=BACKBONE,
               in_channels=32, decoder_stride=(1, 16, 16),
               patch_size=(2, 8, 8), mask_ratio=0.5, decoder_channels=16)
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def contrastive():
    model = MODELS.build(dict(
        type='ContrastiveClipPretrainer', backbone=BACKBONE, in_channels=32,
        hidden_channels=16, proj_channels=8))
    model.init_weights()
    return model


def test_mask_hides_exactly_the_ratio_of_whole_patches():
    model = masked(mask_ratio=0.6)
    clips = torch.zeros(5, *CLIP)
    mask = model.sample_mask(clips)
    assert mask.shape == (5, 1, 4, 16, 24)
    patches = mask.reshape(5, 2, 2, 2, 8, 3, 8).permute(0, 1, 3, 5, 2, 4, 6)
    patches = patches.reshape(5, 12, -1)
    # every patch is hidden or shown as a whole
    assert (patches.all(-1) == patches.any(-1)).all()
    assert patches.all(-1).sum(1).tolist() == [round(0.6 * 12)] * 5
    # training masks differ from clip to clip, evaluation masks are fixed
    assert not torch.equal(mask[0], mask[1])
    fixed = [model.sample_mask(clips, model._mask_generator(False))
             for _ in range(2)]
    assert torch.equal(*fixed)


def test_hidden_pixels_never_reach_the_backbone():
    torch.manual_seed(0)
    model = masked().eval()
    clips = torch.randn(2, *CLIP)
    mask = model.sample_mask(clips)
    changed = clips.clone()
    hidden = mask.expand_as(clips)
    changed[hidden] = torch.randn(int(hidden.sum())) * 10
    with torch.no_grad():
        recon = model.reconstruct(clips, mask)
        assert recon.shape == clips.shape
        assert torch.equal(recon, model.reconstruct(changed, mask))
        # a shown pixel does change the reconstruction
        changed = clips.clone()
        changed[~hidden] += 1
        assert not torch.equal(recon, model.reconstruct(changed, mask))


def test_loss_is_the_mse_of_the_hidden_pixels_only():
    torch.manual_seed(0)
    model = masked()
    clips = torch.randn(2, 1, *CLIP)  # (N, views, C, T, H, W)
    mask = model.sample_mask(clips[:, 0])
    recon = torch.randn(2, *CLIP)
    with mock.patch.object(model, 'sample_mask', return_value=mask), \
            mock.patch.object(model, 'reconstruct', return_value=recon):
        loss = model.loss(clips, [])['loss_recon']
    hidden = mask.expand_as(recon)
    expected = ((recon - clips[:, 0])**2)[hidden].mean()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    samples = model.predict(clips, [ActionDataSample(), ActionDataSample()])
    assert all(s.recon_error > 0 for s in samples)


def test_geometry_errors_name_the_fix():
    model = masked(patch_size=(2, 8, 5))
    with pytest.raises(ValueError, match='not a multiple of patch_size'):
        model.loss(torch.randn(2, *CLIP), [])
    model = masked(decoder_stride=(1, 8, 8))
    with pytest.raises(ValueError, match='does not cover'):
        model.loss(torch.randn(2, *CLIP), [])
    with pytest.raises(ValueError, match='mask_ratio'):
        masked(mask_ratio=1.0)


def test_contrastive_embeds_each_view_and_needs_two():
    torch.manual_seed(0)
    model = contrastive()
    views = torch.randn(3, 2, *CLIP)
    assert model(views).shape == (3, 2, 8)
    loss = model.loss(views, [])['loss_contrast']
    assert loss.item() == pytest.approx(
        model.loss_contrast(model.embed(views)).item(), rel=1e-5)
    with pytest.raises(ValueError, match='MultiViewClips'):
        model.loss(torch.randn(3, 1, *CLIP), [])
    samples = model.predict(views, [ActionDataSample() for _ in range(3)])
    assert samples[0].feature.shape == (32, )


def test_checkpoint_keeps_the_backbone_under_its_recognizer_name():
    recognizer = MODELS.build(dict(
        type='Recognizer3D', backbone=BACKBONE,
        cls_head=dict(type='I3DHead', in_channels=32, num_classes=3)))
    wanted = {k: v.shape for k, v in recognizer.state_dict().items()
              if k.startswith('backbone.')}
    for model in (masked(), contrastive()):
        have = {k: v.shape for k, v in model.state_dict().items()
                if k.startswith('backbone.')}
        assert have == wanted
