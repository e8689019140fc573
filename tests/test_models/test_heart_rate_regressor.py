"""HeartRateRegressor / HeartRateLSTM / HeartRateHead, and the seed's
checkpoint layout."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.structures import BaseDataElement
from torch import nn

from ftplugin.checkpoint import load_pretrained
from ftplugin.models.backbones.heart_rate_lstm import lstm_layer_param_names

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / 'configs' / 'apple_watch'
LAYER0 = {f'{w}_{k}_l0' for w in ('weight', 'bias') for k in ('ih', 'hh')}


class OriginalHeartRateLSTM(nn.Module):
    """The seed project's model, written from its description: ``lstm``
    (2 layers, 64 hidden, batch first) and a per-step ``fc``."""

    def __init__(self, input_size: int = 3) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size, 64, 2, batch_first=True, dropout=0.2)
        self.fc = nn.Linear(64, 1)

    def forward(self, x):
        return self.fc(self.lstm(x)[0])


def build_model(config: str = 'lstm_applewatch_finetune_2stage.py', **model):
    cfg = Config.fromfile(str(CONFIGS / config))
    cfg.model.update(model)
    return MODELS.build(cfg.model)


def samples(mask: torch.Tensor, target: torch.Tensor,
            features=('speed', 'altitude', 'heart_rate_prev')):
    out = []
    for m, t in zip(mask, target):
        s = BaseDataElement(metainfo=dict(input_features=features))
        s.mask, s.gt_hr = m, t
        out.append(s)
    return out


def test_parameter_count_and_keys_match_the_seed():
    model = build_model()
    seed = OriginalHeartRateLSTM()
    count = sum(p.numel() for p in model.parameters())
    # the count the seed reports for 3 inputs, and the seed module's own
    assert count == 51009 == sum(p.numel() for p in seed.parameters())
    ours = {k.replace('backbone.', '', 1).replace('head.', '', 1)
            for k in model.state_dict()}
    assert ours == set(seed.state_dict())


def test_original_layout_checkpoint_loads_every_tensor_unchanged(tmp_path):
    torch.manual_seed(3)
    seed = OriginalHeartRateLSTM()
    optimizer = torch.optim.Adam(seed.parameters(), lr=1e-3)
    seed(torch.randn(2, 10, 3)).sum().backward()
    optimizer.step()
    path = tmp_path / 'lstm_bs16_lr0.001_e30_h64_l2_best.pt'
    torch.save({'epoch': 30, 'model_state_dict': seed.state_dict(),
                'optimizer_state_dict': optimizer.state_dict(),
                'history': {'train_loss': [1.0], 'val_loss': [2.0]},
                'config': {'hidden_size': 64, 'num_layers': 2}}, path)
    model = build_model()
    report = load_pretrained(model, str(path))
    assert report.missing == [] and report.unexpected == []
    assert report.shape_skipped == {}
    assert len(report.remapped) == len(seed.state_dict()) == 10
    state = model.state_dict()
    for key, value in seed.state_dict().items():
        ours = ('head.' if key.startswith('fc.') else 'backbone.') + key
        assert torch.equal(state[ours], value), key


def test_original_weights_compute_the_original_output_with_its_settings():
    """With raw BPM (hr_norm=None) and the same-step input, the seed's
    weights give exactly the seed model's predictions."""
    torch.manual_seed(0)
    seed = OriginalHeartRateLSTM().eval()
    model = build_model(hr_norm=None,
                        input_features=('speed', 'altitude', 'heart_rate'))
    model.backbone.lstm.load_state_dict(seed.lstm.state_dict())
    model.head.fc.load_state_dict(seed.fc.state_dict())
    model.eval()
    x = torch.randn(4, 37, 3)
    x[..., 2] = 150 + 10 * x[..., 2]
    with torch.no_grad():
        torch.testing.assert_close(model(x), seed(x), rtol=0, atol=0)


def test_hr_norm_scales_heart_rate_in_and_out():
    torch.manual_seed(0)
    model = build_model().eval()
    x = torch.randn(2, 9, 3)
    x[..., 2] = 140 + 20 * torch.randn(2, 9)
    scaled = x.clone()
    scaled[..., 2] = (x[..., 2] - 140.0) / 20.0
    with torch.no_grad():
        raw = model.head(model.backbone(scaled))
        torch.testing.assert_close(model(x), raw * 20.0 + 140.0)


def test_frozen_layers_freeze_exactly_layer_0():
    model = build_model('lstm_applewatch_finetune_stage1-only.py')
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    assert frozen == {f'backbone.lstm.{n}' for n in LAYER0}
    assert set(lstm_layer_param_names(model.backbone.lstm, 0)) == LAYER0
    # one optimizer step changes layer 1 and the head, never layer 0
    before = {k: v.clone() for k, v in model.state_dict().items()}
    optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-2)
    x = torch.randn(3, 20, 3)
    x[..., 2] += 150
    target = torch.full((3, 20, 1), 160.0)
    mask = torch.ones(3, 20, 1, dtype=torch.bool)
    loss = model(x, samples(mask, target), mode='loss')['loss_hr']
    loss.backward()
    optimizer.step()
    for key, value in model.state_dict().items():
        changed = not torch.equal(value, before[key])
        assert changed == (key.rsplit('.', 1)[-1] not in LAYER0), key
    stage2 = build_model('lstm_applewatch_finetune_stage2-only.py')
    assert all(p.requires_grad for p in stage2.parameters())


def test_freezing_a_missing_layer_is_refused():
    with pytest.raises(ValueError, match='layer 2'):
        MODELS.build(dict(type='HeartRateLSTM', frozen_layers=(2, )))


def test_loss_is_masked_mse_in_bpm_squared():
    torch.manual_seed(0)
    model = build_model().eval()
    x = torch.randn(3, 12, 3)
    x[..., 2] += 140
    rng = np.random.default_rng(1)
    target = torch.from_numpy(rng.uniform(100, 180, (3, 12, 1))).float()
    lengths = [12, 7, 3]
    mask = torch.stack([torch.arange(12) < n for n in lengths])[..., None]
    with torch.no_grad():
        loss = model(x, samples(mask, target), mode='loss')['loss_hr']
        pred = model(x).numpy()
    err = [(pred[i, :n, 0] - target.numpy()[i, :n, 0])**2
           for i, n in enumerate(lengths)]
    assert loss.item() == pytest.approx(np.concatenate(err).mean(), rel=1e-5)
    # padded targets do not matter
    target[1, 7:] = 1000.0
    with torch.no_grad():
        again = model(x, samples(mask, target), mode='loss')['loss_hr']
    assert again.item() == pytest.approx(loss.item(), rel=1e-6)
    assert type(model.head.loss_module).__name__ == 'MaskedMSELoss'


def test_predict_returns_bpm_per_step():
    model = build_model().eval()
    x = torch.randn(2, 15, 3)
    mask = torch.ones(2, 15, 1, dtype=torch.bool)
    out = model(list(x), samples(mask, torch.zeros(2, 15, 1)),
                mode='predict')
    with torch.no_grad():
        expected = model(x)
    for sample, pred in zip(out, expected):
        torch.testing.assert_close(sample.pred_hr, pred)


def test_feature_mismatch_is_refused():
    """The seed's bug: pretraining features that differ from fine-tuning's
    (gender vs heart rate in the third slot) must not train silently."""
    model = build_model()
    x = torch.randn(2, 10, 3)
    mask = torch.ones(2, 10, 1, dtype=torch.bool)
    wrong = samples(mask, torch.zeros(2, 10, 1),
                    features=('speed', 'altitude', 'heart_rate'))
    with pytest.raises(ValueError, match='input features'):
        model(x, wrong, mode='loss')
    with pytest.raises(ValueError, match=r'\(N, T, 3\)'):
        model(torch.randn(2, 10, 2))
    with pytest.raises(ValueError, match='input_size'):
        MODELS.build(dict(type='HeartRateRegressor',
                          backbone=dict(type='HeartRateLSTM', input_size=3),
                          head=dict(type='HeartRateHead'),
                          input_features=('speed', 'altitude')))


def test_no_heart_rate_model_has_two_inputs():
    model = MODELS.build(dict(type='HeartRateRegressor',
                              backbone=dict(type='HeartRateLSTM'),
                              head=dict(type='HeartRateHead'),
                              input_features=('speed', 'altitude')))
    assert model.backbone.lstm.input_size == 2
    assert model(torch.randn(1, 5, 2)).shape == (1, 5, 1)
