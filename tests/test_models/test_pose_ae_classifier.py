"""PoseAEClassifier and PoseAEPretrainer: losses, predictions, heads."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

CLASSIFIER = dict(
    type='PoseAEClassifier',
    backbone=dict(type='PoseAutoencoder'),
    cls_head=dict(type='MLPHead', num_classes=2, in_channels=128,
                  average_clips='prob',
                  loss_cls=dict(type='CrossEntropyLoss')),
    loss_recon=dict(type='MaskedMSELoss', loss_weight=0.1))


def samples(labels):
    return [ActionDataSample().set_gt_label(torch.tensor(label))
            for label in labels]


def build(cfg=CLASSIFIER, **changes):
    cfg = copy.deepcopy(cfg)
    cfg.update(changes)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def test_loss_mode_values():
    model = build().eval()  # eval: dropout and BN deterministic
    x = torch.randn(6, 2, 64, 18)
    labels = [0, 1, 1, 0, 1, 0]
    losses = model(x, samples(labels), mode='loss')
    assert {'loss_cls', 'loss_recon'} <= set(losses)
    latent, recon = model.backbone(x)
    expected_recon = 0.1 * F.mse_loss(recon, x)
    torch.testing.assert_close(losses['loss_recon'], expected_recon)
    logits = model.cls_head(latent)
    expected_cls = F.cross_entropy(logits, torch.tensor(labels))
    torch.testing.assert_close(losses['loss_cls'], expected_cls)


def test_loss_mode_trains():
    model = build().train()
    x = torch.randn(8, 2, 64, 18)
    losses = model(x, samples([0, 1] * 4), mode='loss')
    total = losses['loss_cls'] + losses['loss_recon']
    total.backward()
    assert all(p.grad is not None for p in model.parameters())


def test_no_recon_loss():
    model = build(loss_recon=None).eval()
    losses = model(torch.randn(4, 2, 64, 18), samples([0, 1, 0, 1]),
                   mode='loss')
    assert 'loss_recon' not in losses
    assert 'loss_cls' in losses


def test_predict_and_tensor_modes():
    model = build().eval()
    x = torch.randn(5, 2, 64, 18)
    with torch.no_grad():
        # mmaction2's convention: 'tensor' stops at the backbone unless a
        # stage is named
        latent = model(x, mode='tensor')
        logits = model(x, mode='tensor', stage='head')
        preds = model(x, samples([0, 1, 0, 1, 1]), mode='predict')
    assert latent.shape == (5, 128)
    assert logits.shape == (5, 2)
    assert len(preds) == 5
    expected = logits.softmax(-1)
    for i, pred in enumerate(preds):
        score = pred.pred_score
        assert score.shape == (2, )
        torch.testing.assert_close(score.sum(), torch.tensor(1.0))
        torch.testing.assert_close(score, expected[i])
        assert int(pred.pred_label) == int(score.argmax())
    onnx = model.onnx_outputs(x)
    assert len(onnx) == 1
    torch.testing.assert_close(onnx[0], expected)
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(x, mode='nonsense')


def test_max_clip_aggregation_takes_the_most_fall_like_window():
    cfg = copy.deepcopy(CLASSIFIER)
    cfg['cls_head']['average_clips'] = 'max'
    model = build(cfg).eval()
    x = torch.randn(3, 4, 2, 64, 18)  # 3 files x 4 windows
    with torch.no_grad():
        preds = model(x, samples([0, 1, 0]), mode='predict')
        per_clip = model(x.flatten(0, 1), mode='tensor',
                         stage='head').softmax(-1).view(3, 4, 2)
    assert len(preds) == 3
    scores = torch.stack([p.pred_score for p in preds])
    # the window most likely to be a fall decides the file
    assert torch.equal(scores[:, 1], per_clip[..., 1].max(1).values)
    torch.testing.assert_close(
        scores, per_clip[torch.arange(3), per_clip[..., 1].argmax(1)])
    assert not torch.allclose(scores, per_clip.mean(1))


def test_unknown_clip_aggregation_is_an_error():
    cfg = copy.deepcopy(CLASSIFIER)
    cfg['cls_head']['average_clips'] = 'median'
    with pytest.raises(ValueError, match='average_clips'):
        build(cfg)


def test_data_preprocessor_stacks_packed_inputs():
    model = build().eval()
    data = dict(inputs=[torch.randn(2, 64, 18) for _ in range(3)],
                data_samples=samples([0, 1, 1]))
    batch = model.data_preprocessor(data, training=False)
    assert batch['inputs'].shape == (3, 2, 64, 18)
    with torch.no_grad():
        out = model.val_step(data)
    assert len(out) == 3 and out[0].pred_score.shape == (2, )


def test_mlp_head_layout():
    head = MODELS.build(dict(type='MLPHead', num_classes=3, in_channels=128,
                             hidden_dims=(64, 32), dropout=0.3))
    linear = [m for m in head.classifier if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [
        (128, 64), (64, 32), (32, 3)]
    # the seed's indices: classifier.0, .3, .6 are the Linear layers
    names = {n.split('.')[1] for n, _ in head.named_parameters()}
    assert names == {'0', '3', '6'}
    assert head(torch.randn(4, 128)).shape == (4, 3)


def test_pretrainer_modes():
    model = build(dict(type='PoseAEPretrainer',
                       backbone=dict(type='PoseAutoencoder'),
                       loss_recon=dict(type='MaskedMSELoss'))).eval()
    x = torch.randn(3, 2, 64, 18)
    with torch.no_grad():
        _, recon = model.backbone(x)
        torch.testing.assert_close(model(x, mode='tensor'), recon)
        losses = model(x, samples([0, 0, 0]), mode='loss')
        torch.testing.assert_close(losses['loss_recon'],
                                   F.mse_loss(recon, x))
        preds = model(x, samples([0, 0, 0]), mode='predict')
    for i, pred in enumerate(preds):
        torch.testing.assert_close(pred.recon_error,
                                   ((recon[i] - x[i]) ** 2).mean())
    latent, recon2 = model.onnx_outputs(x)
    assert latent.shape == (3, 128)


def test_pretrainer_weights_share_backbone_keys():
    pre = build(dict(type='PoseAEPretrainer',
                     backbone=dict(type='PoseAutoencoder')))
    cls = build()
    pre_keys = set(pre.state_dict())
    cls_keys = {k for k in cls.state_dict() if not k.startswith('cls_head.')}
    assert pre_keys == cls_keys


def test_without_recon_loss_decoder_gets_no_gradient():
    """Nothing trains the decoder without a reconstruction loss: it must not
    expect gradients (DDP would wait for them)."""
    model = build(loss_recon=None).train()
    losses = model(torch.randn(4, 2, 64, 18), samples([0, 1, 0, 1]),
                   mode='loss')
    sum(losses[k] for k in losses if k.startswith('loss')).backward()
    params = dict(model.named_parameters())
    decoder = {n: p for n, p in params.items()
               if n.startswith(('backbone.decoder', 'backbone.decoder_head'))}
    assert decoder
    for name, p in params.items():
        if name in decoder:
            assert not p.requires_grad, name
        else:
            assert p.requires_grad and p.grad is not None, name


@pytest.mark.parametrize('config,trainable', [
    ('pose_ae_kaggle_finetune.py', ('backbone.', 'cls_head.')),
    ('pose_ae_kaggle_finetune_single_window.py', ('backbone.', 'cls_head.')),
    ('pose_ae_kaggle_scratch.py', ('backbone.encoder', 'backbone.latent_head',
                                   'cls_head.')),
    ('pose_ae_kaggle_single_window_scratch.py',
     ('backbone.encoder', 'backbone.latent_head', 'cls_head.')),
    ('pose_ae_kaggle_freeze_encoder.py', ('cls_head.', )),
])
def test_family_configs_train_the_documented_parts(repo_root, config,
                                                   trainable):
    from mmengine.config import Config
    cfg = Config.fromfile(str(repo_root / 'configs' / 'kaggle_pose' / config))
    model = MODELS.build(cfg.model).train()
    for name, p in model.named_parameters():
        assert p.requires_grad == name.startswith(trainable), name
    x = torch.randn(16, 2, 64, 18)
    losses = model(x, samples([0, 1] * 8), mode='loss')
    assert ('loss_recon' in losses) == (cfg.model.loss_recon is not None)


def test_multi_clip_predict_averages_clip_probabilities():
    # (N, clips, C, T, J) at test time: one prediction per sample, the mean
    # of its clips' probabilities (average_clips='prob')
    model = build(cls_head=dict(type='MLPHead', num_classes=2,
                                in_channels=128,
                                average_clips='prob')).eval()
    x = torch.randn(3, 4, 2, 64, 18)
    with torch.no_grad():
        preds = model(x, samples([0, 1, 0]), mode='predict')
        per_clip = model(x.flatten(0, 1), mode='tensor',
                         stage='head').softmax(-1).view(3, 4, 2)
    assert len(preds) == 3
    for i, pred in enumerate(preds):
        torch.testing.assert_close(pred.pred_score, per_clip[i].mean(0))


def test_multi_clip_training_aggregates_per_sample_recon_per_window():
    # multiple-instance training: (N, clips, C, T, J), one label per sample
    cfg = copy.deepcopy(CLASSIFIER)
    cfg['cls_head'].update(average_clips='max', train_aggregate='max')
    model = build(cfg).eval()  # eval: dropout and BN deterministic
    x = torch.randn(3, 4, 2, 64, 18)
    labels = [1, 0, 1]
    losses = model(x, samples(labels), mode='loss')
    windows = x.flatten(0, 1)
    latent, recon = model.backbone(windows)
    torch.testing.assert_close(losses['loss_recon'],
                               0.1 * F.mse_loss(recon, windows))
    with torch.no_grad():
        preds = model(x, samples(labels), mode='predict')
    # the loss sees the file's probabilities the max test predicts
    file_probs = torch.stack([p.pred_score for p in preds])
    torch.testing.assert_close(
        losses['loss_cls'],
        F.nll_loss(file_probs.log(), torch.tensor(labels)))
    losses['loss_cls'].backward()
    assert all(p.grad is not None for p in model.backbone.encoder.parameters())
