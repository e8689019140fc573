"""ftplugin.checkpoint.adapter on the Fall-detection-study files and ours."""

import pytest
import torch

from ftplugin.checkpoint import (extract_state_dict, load_pretrained,
                                 remap_keys, safe_torch_load)

# ------------------------------------ Fall-detection-study files
def test_original_autoencoder_loads_bit_identical(original_checkpoints,
                                                  classifier_cfg, build):
    path = original_checkpoints / 'pose_autoencoder.pt'
    source = torch.load(path, weights_only=True, map_location='cpu')[
        'state_dict']
    model = build(classifier_cfg)
    report = load_pretrained(model, str(path))
    own = model.state_dict()
    assert report.unexpected == []
    assert report.shape_skipped == {}
    assert report.missing and all(
        k.startswith('cls_head.') for k in report.missing)
    assert set(report.missing) == {k for k in own
                                   if k.startswith('cls_head.')}
    assert len(report.loaded) == len(source)
    for key, value in source.items():
        target = own['backbone.' + key]
        assert target.dtype == value.dtype, key
        assert torch.equal(target, value), key
    # remapped report names the original project's keys
    assert report.remapped['encoder.0.weight'] == 'backbone.encoder.0.weight'


def test_original_finetuned_loads_completely(original_checkpoints,
                                             classifier_cfg, build):
    path = original_checkpoints / 'pose_autoencoder_kaggle_finetuned.pt'
    source = torch.load(path, weights_only=True, map_location='cpu')[
        'model_state_dict']
    model = build(classifier_cfg)
    report = load_pretrained(model, str(path))
    assert report.missing == [] and report.unexpected == []
    assert report.shape_skipped == {}
    own = model.state_dict()
    assert len(report.loaded) == len(own) == len(source)
    classifier = {k: v for k, v in source.items()
                  if k.startswith('classifier.')}
    assert classifier
    for key, value in classifier.items():
        assert torch.equal(own['cls_head.' + key], value), key
    for key, value in source.items():
        if key.startswith('autoencoder.'):
            assert torch.equal(
                own['backbone.' + key[len('autoencoder.'):]], value), key


def test_original_finetuned_with_three_classes_skips_last_layer(
        original_checkpoints, classifier_cfg, build):
    path = original_checkpoints / 'pose_autoencoder_kaggle_finetuned.pt'
    source = torch.load(path, weights_only=True, map_location='cpu')[
        'model_state_dict']
    model = build(classifier_cfg, num_classes=3)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    report = load_pretrained(model, str(path))
    last_w = 'cls_head.classifier.6.weight'
    last_b = 'cls_head.classifier.6.bias'
    assert set(report.shape_skipped) == {last_w, last_b}
    assert report.shape_skipped[last_w] == (tuple(
        source['classifier.6.weight'].shape), (3, 32))
    assert report.unexpected == []
    own = model.state_dict()
    assert set(report.loaded) == set(own) - {last_w, last_b}
    # the skipped layer keeps its initialisation, the rest is the file's
    assert torch.equal(own[last_w], initial[last_w])
    assert torch.equal(own['cls_head.classifier.3.weight'],
                       source['classifier.3.weight'])
    assert 'shape-skipped' in report.summary()


def test_original_files_are_plain_weights(original_checkpoints):
    for name in ('pose_autoencoder.pt',
                 'pose_autoencoder_kaggle_finetuned.pt'):
        loaded = safe_torch_load(str(original_checkpoints / name))
        state = extract_state_dict(loaded, name)
        assert state and all(isinstance(v, torch.Tensor)
                             for v in state.values())


# --------------------------------------------------- layouts and key maps
@pytest.mark.parametrize('container', ['state_dict', 'model_state_dict',
                                       'model', 'encoder_state_dict', None])
def test_extract_state_dict_layouts(container):
    state = {'a.weight': torch.ones(2), 'b.bias': torch.zeros(1)}
    ckpt = state if container is None else {container: state, 'epoch': 3}
    assert extract_state_dict(ckpt) is state


def test_extract_state_dict_errors():
    with pytest.raises(KeyError, match='no state dict'):
        extract_state_dict({'epoch': 1, 'weights': [1, 2]}, 'x.pth')
    with pytest.raises(TypeError, match='x.pth'):
        extract_state_dict([torch.ones(1)], 'x.pth')


def test_remap_keys_rules_and_module_prefix():
    state = {'module.backbone.w': 1, 'backbone.kept': 2, 'enc.x': 3,
             'nowhere': 4}
    targets = ['backbone.w', 'backbone.kept', 'backbone.enc.x']
    out, renamed = remap_keys(state, targets, [(r'^enc\.', 'backbone.enc.')])
    assert out == {'backbone.w': 1, 'backbone.kept': 2, 'backbone.enc.x': 3,
                   'nowhere': 4}
    assert renamed == {'module.backbone.w': 'backbone.w',
                       'enc.x': 'backbone.enc.x'}


def test_bare_and_ddp_state_dict_round_trip(tmp_path, classifier_cfg,
                                            build):
    src = build(classifier_cfg)
    for p in src.parameters():
        p.data.normal_()
    path = tmp_path / 'ddp.pth'
    torch.save({'module.' + k: v for k, v in src.state_dict().items()}, path)
    dst = build(classifier_cfg)
    report = load_pretrained(dst, str(path))
    assert report.missing == [] and report.unexpected == []
    for k, v in src.state_dict().items():
        assert torch.equal(dst.state_dict()[k], v), k


def test_pretraining_checkpoint_loads_into_classifier(trained_runs,
                                                      classifier_cfg, build):
    source = safe_torch_load(str(trained_runs.pretrain_ckpt))['state_dict']
    model = build(classifier_cfg)
    report = load_pretrained(model, str(trained_runs.pretrain_ckpt))
    own = model.state_dict()
    assert report.unexpected == [] and report.shape_skipped == {}
    assert set(report.missing) == {k for k in own
                                   if k.startswith('cls_head.')}
    for key, value in source.items():
        assert torch.equal(own[key], value), key
    # the fine-tuning run went through the adapter with this file
    assert f'Pretrained weights from {trained_runs.pretrain_ckpt}' in \
        trained_runs.finetune_log


def test_strict_names_every_mismatch_and_leaves_the_model(
        tmp_path, classifier_cfg, build):
    """Another class count: the two last-layer tensors are shape-skipped;
    with strict=True that is an error naming both, and the model keeps its
    weights; an unexpected key is named too."""
    src = build(classifier_cfg)
    state = dict(src.state_dict(), **{'extra.weight': torch.ones(1)})
    path = tmp_path / 'two_classes.pth'
    torch.save({'state_dict': state}, path)
    dst = build(classifier_cfg, num_classes=3)
    before = {k: v.clone() for k, v in dst.state_dict().items()}
    with pytest.raises(RuntimeError, match='load_cfg.strict=True') as err:
        load_pretrained(dst, str(path), strict=True)
    for key in ('cls_head.classifier.6.weight', 'cls_head.classifier.6.bias',
                'extra.weight'):
        assert key in str(err.value)
    assert all(torch.equal(v, before[k])
               for k, v in dst.state_dict().items())
    report = load_pretrained(dst, str(path))  # not strict: reported only
    assert set(report.shape_skipped) == {'cls_head.classifier.6.weight',
                                         'cls_head.classifier.6.bias'}
    assert report.unexpected == ['extra.weight']
