"""Channel inflation in the checkpoint adapter, and the seed's SSL layout."""
import logging

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MMLogger

from data_fixtures.butppg import FINETUNE_CFG, PRETRAIN_CFG, REPO_ROOT
from ftplugin.checkpoint import (CheckpointMismatchError, inflate_channels,
                                 load_pretrained)

# one torch thread: several times faster on the shared 2-core machine
pytestmark = pytest.mark.usefixtures('one_thread')

SRC = ['PPG', 'ECG']
DST = ['ACC_X', 'ACC_Y', 'ACC_Z', 'PPG', 'ECG']
KEY = 'backbone.patch_embed.weight'


def model_of(cfg_path):
    return MODELS.build(Config.fromfile(str(REPO_ROOT / cfg_path)).model)


@pytest.fixture
def pretrainer():
    torch.manual_seed(0)
    model = model_of(PRETRAIN_CFG)
    with torch.no_grad():  # every tensor distinct from a fresh model's
        for p in model.parameters():
            p.normal_()
    model.data_preprocessor.set_statistics([1.0, 2.0], [3.0, 4.0])
    return model


@pytest.fixture
def log_records():
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def inflate(src, init='mean', **kwargs):
    state = {KEY: src}
    own = {KEY: torch.zeros(src.shape[0], 5, src.shape[2])}
    done = inflate_channels(state, own, [KEY], SRC, DST, init=init,
                            **kwargs)
    return state[KEY], done


def test_named_channels_are_copied_exactly_to_their_slots():
    src = torch.randn(64, 2, 125)
    out, done = inflate(src)
    assert out.shape == (64, 5, 125)
    assert torch.equal(out[:, 3], src[:, 0])  # PPG
    assert torch.equal(out[:, 4], src[:, 1])  # ECG
    # the seed's bug put them in the ACC slots 0-1: they are not there
    assert not torch.equal(out[:, 0], src[:, 0])
    assert not torch.equal(out[:, 1], src[:, 1])
    assert done[KEY].dim == 1
    assert done[KEY].copied == [('PPG', 0, 3), ('ECG', 1, 4)]


def test_new_channels_are_mean_plus_small_noise():
    src = torch.randn(64, 2, 125)
    out, _ = inflate(src, noise_std=0.01)
    mean = (src[:, 0] + src[:, 1]) / 2
    for slot in (0, 1, 2):
        noise = out[:, slot] - mean
        assert 0.008 < float(noise.std()) < 0.012
        assert float(noise.abs().max()) < 0.06
    # the noise differs per channel, so the new channels do
    assert not torch.equal(out[:, 0], out[:, 1])
    # and the same seed gives the same initialisation
    assert torch.equal(out, inflate(src, noise_std=0.01)[0])


def test_zeros_and_random_inits():
    src = torch.randn(32, 2, 125) * 3
    zeros, _ = inflate(src, init='zeros')
    assert torch.count_nonzero(zeros[:, :3]) == 0
    assert torch.equal(zeros[:, 3:], src)
    rand, _ = inflate(src, init='random')
    assert torch.equal(rand[:, 3:], src)
    assert 2.5 < float(rand[:, :3].std()) < 3.5  # the pretrained scale


def test_channels_go_by_name_not_position():
    src = torch.randn(8, 2, 5)
    state = {KEY: src}
    own = {KEY: torch.zeros(8, 3, 5)}
    inflate_channels(state, own, [KEY], ['ECG', 'PPG'], ['PPG', 'X', 'ECG'])
    assert torch.equal(state[KEY][:, 0], src[:, 1])
    assert torch.equal(state[KEY][:, 2], src[:, 0])


def test_inflation_errors():
    src = torch.randn(8, 2, 5)
    own = {KEY: torch.zeros(8, 5, 5)}
    with pytest.raises(KeyError, match='no checkpoint tensor matches'):
        inflate_channels({KEY: src}, own, ['backbone.other'], SRC, DST)
    with pytest.raises(ValueError, match='nothing would transfer'):
        inflate_channels({KEY: src}, own, [KEY], ['A', 'B'], DST)
    with pytest.raises(ValueError, match='init must be'):
        inflate_channels({KEY: src}, own, [KEY], SRC, DST, init='ones')
    with pytest.raises(ValueError, match='cannot inflate'):
        inflate_channels({KEY: torch.randn(7, 2, 5)}, own, [KEY], SRC, DST)
    with pytest.raises(ValueError, match='no dimension goes from 2 to 5'):
        inflate_channels({KEY: torch.randn(2, 2)}, {KEY: torch.zeros(5, 5)},
                         [KEY], SRC, DST)
    # an explicit dim is checked
    linear = {KEY: torch.zeros(5, 2)}
    with pytest.raises(ValueError, match='on dim 1'):
        inflate_channels({KEY: torch.randn(2, 2)}, linear, [KEY], SRC, DST,
                         dim=1)
    rows = torch.randn(2, 2)
    state = {KEY: rows}
    inflate_channels(state, linear, [KEY], SRC, DST, dim=0)
    assert torch.equal(state[KEY][3:], rows)


def test_pretraining_checkpoint_inflates_into_the_classifier(
        tmp_path, pretrainer, log_records):
    path = tmp_path / 'pretrain.pth'
    torch.save({'meta': {}, 'state_dict': pretrainer.state_dict()}, path)
    cfg = Config.fromfile(str(REPO_ROOT / FINETUNE_CFG))
    model = MODELS.build(cfg.model)
    report = load_pretrained(model, str(path), inflate=cfg.load_cfg.inflate,
                             required=cfg.load_cfg.required)
    src = pretrainer.state_dict()
    own = model.state_dict()
    assert torch.equal(own[KEY][:, 3], src[KEY][:, 0])
    assert torch.equal(own[KEY][:, 4], src[KEY][:, 1])
    for key, value in src.items():
        if key.startswith('backbone.') and key != KEY:
            assert torch.equal(own[key], value), key
    assert list(report.inflated) == [KEY]
    assert set(report.unexpected) == {'mask_token', 'decoder.weight',
                                      'decoder.bias'}
    messages = [r.getMessage() for r in log_records]
    lines = [m for m in messages if m.startswith(f'Inflated {KEY}')]
    assert len(lines) == 1
    assert 'PPG 0->3, ECG 1->4 exactly' in lines[0]
    assert 'ACC_X->0, ACC_Y->1, ACC_Z->2 = mean' in lines[0]


def test_original_ssl_layout_loads_through_the_key_map(tmp_path, pretrainer):
    """The seed's SSL checkpoint: the bare encoder in encoder_state_dict,
    its decoder and optimizer beside it; the seed's loader found nothing in
    it (it looked for model_state_dict / state_dict only)."""
    encoder = pretrainer.backbone.state_dict()  # keys without 'backbone.'
    path = tmp_path / 'best_model.pt'
    torch.save({'epoch': 3, 'encoder_state_dict': encoder,
                'decoder_state_dict': pretrainer.decoder.state_dict(),
                'optimizer_state_dict': {}, 'best_val_loss': 0.1,
                'config': {'stft_weight': 0.3}}, path)
    cfg = Config.fromfile(str(REPO_ROOT / FINETUNE_CFG))
    model = MODELS.build(cfg.model)
    report = load_pretrained(model, str(path), inflate=cfg.load_cfg.inflate,
                             required=cfg.load_cfg.required)
    assert report.remapped[
        'patch_embed.weight'] == 'backbone.patch_embed.weight'
    assert report.unexpected == []
    own = model.state_dict()
    for key, value in encoder.items():
        target = 'backbone.' + key
        if key == 'patch_embed.weight':
            assert torch.equal(own[target][:, 3:], value)
        else:
            assert torch.equal(own[target], value), key
    # the seed's fine-tuned layout (encoder under 'encoder.') maps too
    torch.save({'model_state_dict': {'encoder.' + k: v
                                     for k, v in encoder.items()}}, path)
    model = MODELS.build(cfg.model)
    load_pretrained(model, str(path), inflate=cfg.load_cfg.inflate,
                    required=['backbone'])
    assert torch.equal(model.state_dict()['backbone.norm.weight'],
                       encoder['norm.weight'])


def test_nothing_transferred_is_an_error(tmp_path):
    """With or without ``required``: a checkpoint of which nothing fits is
    refused, naming it and the config, and the model is left unchanged."""
    path = tmp_path / 'foreign.pth'
    torch.save({'state_dict': {'net.w': torch.ones(3)}}, path)
    model = model_of(FINETUNE_CFG)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    for required in (['backbone'], ()):
        with pytest.raises(CheckpointMismatchError,
                           match=f'Nothing of {path} fits the model of '
                           f'{FINETUNE_CFG}.*net.w'):
            load_pretrained(model, str(path), required=required,
                            config=FINETUNE_CFG)
    assert all(torch.equal(before[k], v)
               for k, v in model.state_dict().items())


def test_a_required_module_that_does_not_load_is_named(tmp_path,
                                                        pretrainer):
    """Only the head of the checkpoint fits: the backbone's tensors are
    named, those of another shape with both shapes."""
    model = model_of(FINETUNE_CFG)
    own = model.state_dict()
    state = {'cls_head.classifier.0.weight':
             own['cls_head.classifier.0.weight'],
             'backbone.norm.weight': torch.ones(3)}
    path = tmp_path / 'head_only.pth'
    torch.save({'state_dict': state}, path)
    with pytest.raises(CheckpointMismatchError) as info:
        load_pretrained(model, str(path), required=['backbone'],
                        config=FINETUNE_CFG)
    message = str(info.value)
    assert f'{path} does not fit the model of {FINETUNE_CFG}' in message
    assert "required weights (['backbone']" in message
    assert (f'backbone.norm.weight (checkpoint (3,) vs model '
            f'{tuple(own["backbone.norm.weight"].shape)})') in message
    assert 'backbone.patch_embed.weight' in message


def test_a_fine_tuned_checkpoint_reloads_without_inflating(tmp_path,
                                                           pretrainer):
    cfg = Config.fromfile(str(REPO_ROOT / FINETUNE_CFG))
    model = MODELS.build(cfg.model)
    model.data_preprocessor.set_statistics([0.0] * 5, [1.0] * 5)
    path = tmp_path / 'ft.pth'
    torch.save({'state_dict': model.state_dict()}, path)
    again = MODELS.build(cfg.model)
    report = load_pretrained(again, str(path), inflate=cfg.load_cfg.inflate,
                             required=cfg.load_cfg.required)
    assert report.inflated == {} and report.missing == []
    assert torch.equal(again.state_dict()[KEY], model.state_dict()[KEY])
