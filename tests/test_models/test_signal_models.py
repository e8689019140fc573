"""SignalTransformer, the data preprocessor, the classifier, the masked
pretrainer and the multi-resolution STFT loss."""
import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from data_fixtures.butppg import FINETUNE_CFG, PRETRAIN_CFG, REPO_ROOT

# one torch thread: several times faster on the shared 2-core machine
pytestmark = pytest.mark.usefixtures('one_thread')


def cfg_model(path):
    return Config.fromfile(str(REPO_ROOT / path)).model


def backbone(**kwargs):
    args = dict(type='SignalTransformer', in_channels=3, signal_length=250,
                patch_size=25, embed_dims=16, num_layers=2, num_heads=2,
                drop_rate=0.0)
    args.update(kwargs)
    return MODELS.build(args).eval()


def test_backbone_shapes_and_pooling():
    x = torch.randn(4, 3, 250)
    cls = backbone(pooling='cls')
    assert cls.num_patches == 10
    assert cls.embed(x).shape == (4, 10, 16)
    encoded = cls.encode(cls.embed(x))
    assert encoded.shape == (4, 11, 16)
    assert torch.equal(cls(x), encoded[:, 0])
    mean = backbone(pooling='mean')
    mean.load_state_dict(cls.state_dict())
    assert torch.allclose(mean(x), encoded[:, 1:].mean(1), atol=1e-6)
    assert cls.patch_embed.weight.shape == (16, 3, 25)  # dim 1: channels


def test_backbone_patches_are_independent_of_later_samples():
    """A patch token depends on its own samples only (the embedding is a
    per-patch linear map), so masking a patch hides exactly its samples."""
    net = backbone()
    x = torch.randn(1, 3, 250)
    y = x.clone()
    y[..., 100:] = 0
    assert torch.equal(net.embed(x)[:, :4], net.embed(y)[:, :4])
    assert not torch.equal(net.embed(x)[:, 4], net.embed(y)[:, 4])


def test_window_norm_ignores_gain_and_offset():
    net = backbone(window_norm=True)
    x = torch.randn(2, 3, 250)
    gain = torch.tensor([0.3, 2.0, 5.0])[:, None]
    offset = torch.tensor([-4.0, 0.5, 10.0])[:, None]
    assert torch.allclose(net(x), net(x * gain + offset), atol=1e-4)
    plain = backbone()
    plain.load_state_dict(net.state_dict())
    assert not torch.allclose(plain(x), plain(x * gain + offset), atol=1e-2)


def test_positions_start_as_sine_cosine_codes():
    net = backbone()
    pos = net.pos_embed[0]
    assert torch.allclose(pos[3, 0::2], torch.sin(
        3 * torch.exp(-torch.arange(0, 16, 2) * np.log(10000.0) / 16)))
    assert torch.allclose(pos[0, 1::2], torch.ones(8))


def test_backbone_errors():
    with pytest.raises(ValueError, match='multiple of patch_size'):
        backbone(signal_length=260)
    with pytest.raises(ValueError, match='pooling'):
        backbone(pooling='max')
    with pytest.raises(ValueError, match=r'expected \(N, 3, 250\)'):
        backbone()(torch.randn(2, 5, 250))


def test_in_channels_is_a_config_value():
    cfg = cfg_model(FINETUNE_CFG)
    assert MODELS.build(cfg).backbone.patch_embed.in_channels == 5
    pre = cfg_model(PRETRAIN_CFG)
    assert MODELS.build(pre).backbone.patch_embed.in_channels == 2
    cfg.backbone.in_channels = 3
    with pytest.raises(ValueError, match='num_channels=5'):
        MODELS.build(cfg)


def test_preprocessor_normalises_with_stored_statistics():
    pre = MODELS.build(dict(type='SignalDataPreprocessor', num_channels=2))
    x = torch.randn(3, 2, 50)
    with pytest.raises(RuntimeError, match='not set'):
        pre(dict(inputs=list(x)))
    with pytest.raises(ValueError, match='expected 2 means'):
        pre.set_statistics([0.0], [1.0])
    with pytest.raises(ValueError, match=r"\['ECG'\] are constant"):
        pre.set_statistics([0.0, 0.0], [1.0, 0.0], channels=['PPG', 'ECG'])
    pre.set_statistics([1.0, -2.0], [2.0, 0.5])
    out = pre(dict(inputs=list(x)))['inputs']
    expected = (x - torch.tensor([1.0, -2.0])[:, None]) / torch.tensor(
        [2.0, 0.5])[:, None]
    assert torch.allclose(out, expected)
    assert set(pre.state_dict()) == {'mean', 'std', 'fitted'}


def test_classifier_modes_and_onnx_outputs():
    model = MODELS.build(cfg_model(FINETUNE_CFG)).eval()
    model.data_preprocessor.set_statistics(np.arange(5.0), np.ones(5) * 2)
    x = torch.randn(2, 5, 1250)
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 1)]
    normed = model.data_preprocessor(dict(inputs=list(x),
                                          data_samples=samples))
    logits = model(normed['inputs'], stage='head')
    assert logits.shape == (2, 2)
    assert model(normed['inputs']).shape == (2, model.backbone.embed_dims)
    probs = model.onnx_outputs(x)[0]  # raw windows in
    assert torch.allclose(probs, logits.softmax(-1), atol=1e-6)
    preds = model(normed['inputs'], normed['data_samples'], mode='predict')
    assert torch.allclose(torch.stack([p.pred_score for p in preds]), probs,
                          atol=1e-6)
    losses = model(normed['inputs'], normed['data_samples'], mode='loss')
    assert set(losses) == {'loss_cls', 'top1_acc'}
    assert losses['loss_cls'].item() == pytest.approx(
        float(torch.nn.functional.cross_entropy(logits.detach(),
                                                torch.tensor([0, 1]))),
        rel=1e-5)


@pytest.fixture
def pretrainer():
    torch.manual_seed(0)
    cfg = cfg_model(PRETRAIN_CFG)
    # token-level checks: without window_norm a patch's samples reach only
    # its own token
    cfg.backbone.update(drop_rate=0.0, window_norm=False)
    return MODELS.build(cfg).eval()


def test_mask_ratio_on_patches(pretrainer):
    assert pretrainer.backbone.num_patches == 10
    mask = pretrainer.sample_mask(500)
    assert mask.shape == (500, 10)
    assert (mask.sum(1) == 4).all()  # 40 % of 10 patches, every window
    # every patch position gets masked, about equally often
    share = mask.float().mean(0)
    assert float(share.min()) > 0.3 and float(share.max()) < 0.5
    with pytest.raises(ValueError, match='mask_ratio'):
        MODELS.build(dict(cfg_model(PRETRAIN_CFG), mask_ratio=0.01))


def numpy_log_stft(x, n_fft, hop, eps=1.0):
    """Independent STFT: reflect padding, periodic Hann, rfft."""
    x = np.pad(x, (n_fft // 2, n_fft // 2), mode='reflect')
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    frames = [x[i:i + n_fft] * window
              for i in range(0, len(x) - n_fft + 1, hop)]
    return np.log(np.abs(np.fft.rfft(frames, axis=1)) + eps)


def test_stft_loss_against_numpy():
    loss = MODELS.build(dict(type='MultiResolutionSTFTLoss', n_ffts=(32, 64),
                             hop_lengths=(8, 16), loss_weight=0.3))
    rng = np.random.default_rng(0)
    pred, target = rng.normal(size=(2, 2, 300)), rng.normal(size=(2, 2, 300))
    expected = 0.3 * np.mean([
        np.mean([np.abs(numpy_log_stft(p, n, h) - numpy_log_stft(t, n, h))
                 .mean() for p, t in zip(pred.reshape(-1, 300),
                                         target.reshape(-1, 300))])
        for n, h in ((32, 8), (64, 16))])
    got = loss(torch.tensor(pred), torch.tensor(target))
    assert float(got) == pytest.approx(expected, rel=1e-4)
    assert float(loss(torch.tensor(pred), torch.tensor(pred))) == 0.0


def test_reconstruction_loss_covers_masked_patches_only(pretrainer,
                                                        monkeypatch):
    x = torch.randn(3, 2, 1250)
    mask = torch.zeros(3, 10, dtype=torch.bool)
    mask[0, [0, 1, 2, 3]] = mask[1, [2, 5, 7, 9]] = mask[2, [4, 5, 6, 8]] = 1
    monkeypatch.setattr(pretrainer, 'sample_mask', lambda n, g=None: mask)
    with torch.no_grad():
        losses = pretrainer(x, mode='loss')
        recon = pretrainer(x, mode='tensor')
    hidden = mask.repeat_interleave(125, dim=1)[:, None].expand_as(x)
    expected = ((recon - x)[hidden]**2).mean()
    assert losses['loss_recon'].item() == pytest.approx(float(expected),
                                                        rel=1e-5)
    stft = MODELS.build(dict(type='MultiResolutionSTFTLoss',
                             n_ffts=(64, 128, 256),
                             hop_lengths=(16, 32, 64)))
    assert float(losses['loss_stft']) == pytest.approx(
        0.3 * float(stft(recon, x)), rel=1e-5)
    # the error on the visible patches differs, so the first check does
    # tell a masked-only loss from one over every sample
    recon_err = (recon - x)**2
    assert float(recon_err[~hidden].mean()) != pytest.approx(
        float(expected))
    assert float(recon_err.mean()) != pytest.approx(float(expected))


def test_predict_gives_each_window_its_masked_error(pretrainer,
                                                    monkeypatch):
    """``recon_error`` (ReconstructionMetric's ``recon/mse``): per window,
    the MSE on its masked patches, with the same masks every evaluation."""
    x = torch.randn(3, 2, 1250)

    def predict():
        samples = [ActionDataSample() for _ in range(3)]
        with torch.no_grad():
            return torch.stack([s.recon_error for s in pretrainer(
                x, samples, mode='predict')])

    first = predict()
    assert torch.equal(first, predict())  # fixed evaluation masks
    with torch.no_grad():  # training draws new masks every step
        assert not torch.equal(pretrainer(x, mode='loss')['loss_recon'],
                               pretrainer(x, mode='loss')['loss_recon'])
    mask = torch.zeros(3, 10, dtype=torch.bool)
    mask[0, [0, 1, 2, 3]] = mask[1, [2, 5, 7, 9]] = mask[2, [4, 5, 6, 8]] = 1
    monkeypatch.setattr(pretrainer, 'sample_mask', lambda n, g=None: mask)
    errors = predict()
    with torch.no_grad():
        recon = pretrainer(x, mode='tensor')
    hidden = mask.repeat_interleave(125, dim=1)[:, None].expand_as(x)
    expected = torch.stack([((recon[i] - x[i])[hidden[i]]**2).mean()
                            for i in range(3)])
    assert torch.allclose(errors, expected, rtol=1e-5)


def test_window_norm_pretrainer_rebuilds_standardised_windows(
        monkeypatch):
    cfg = cfg_model(PRETRAIN_CFG)
    cfg.backbone.update(drop_rate=0.0, window_norm=True)
    model = MODELS.build(cfg).eval()
    x = torch.randn(2, 2, 1250)
    mask = torch.zeros(2, 10, dtype=torch.bool)
    mask[:, [0, 5, 6, 9]] = True
    monkeypatch.setattr(model, 'sample_mask', lambda n, g=None: mask)
    scaled = (x - x.mean(-1, keepdim=True)) / x.std(-1, keepdim=True)
    with torch.no_grad():
        recon = model(x)
        losses = model(x * 3.0 + 1.0, mode='loss')
    hidden = mask.repeat_interleave(125, dim=1)[:, None].expand_as(x)
    expected = ((recon - scaled)[hidden]**2).mean()
    assert losses['loss_recon'].item() == pytest.approx(float(expected),
                                                        rel=1e-3)


def test_masked_tokens_hide_their_samples(pretrainer, monkeypatch):
    """The reconstruction of a window does not change when the samples of
    its masked patches change: the model never sees them."""
    x = torch.randn(1, 2, 1250)
    mask = torch.zeros(1, 10, dtype=torch.bool)
    mask[0, [1, 4, 6, 9]] = True
    monkeypatch.setattr(pretrainer, 'sample_mask', lambda n, g=None: mask)
    y = x.clone()
    y[..., 125:250] += 5.0  # patch 1, masked
    assert torch.allclose(pretrainer(x), pretrainer(y), atol=1e-6)
    z = x.clone()
    z[..., 250:375] += 5.0  # patch 2, visible
    assert not torch.allclose(pretrainer(x), pretrainer(z), atol=1e-3)


def test_pretrainer_learns(pretrainer):
    """Optimisation steps on one batch of sines lower the masked loss."""
    torch.manual_seed(0)
    t = torch.arange(1250) / 125
    x = torch.stack([torch.sin(2 * np.pi * 1.2 * t + p) for p in
                     torch.rand(8) * 6]).unsqueeze(1).repeat(1, 2, 1)
    pretrainer.train()
    optim = torch.optim.AdamW(pretrainer.parameters(), lr=3e-3)
    losses = []
    for _ in range(40):
        loss = pretrainer(x, mode='loss')['loss_recon']
        losses.append(float(loss))
        optim.zero_grad()
        loss.backward()
        optim.step()
    assert np.mean(losses[-5:]) < 0.75 * np.mean(losses[:5])
