"""FineTuneRunner.load_or_resume: load_from through the adapter."""
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS, RUNNERS
from mmengine.config import Config
from mmengine.logging import MMLogger

from ftplugin.checkpoint import CheckpointMismatchError
from ftplugin.engine import FineTuneRunner

CLASSIFIER = dict(
    type='PoseAEClassifier',
    backbone=dict(type='PoseAutoencoder'),
    cls_head=dict(type='MLPHead', num_classes=2, in_channels=128))


def test_registered():
    assert RUNNERS.get('FineTuneRunner') is FineTuneRunner


def test_load_cfg_key_map_overrides_model_map(tmp_path):
    torch.manual_seed(0)
    src = MODELS.build(CLASSIFIER)
    for p in src.parameters():
        p.data.normal_()
    # a foreign layout the model's own key map does not know
    path = tmp_path / 'foreign.pth'
    torch.save({'weights': None, 'state_dict': {
        k.replace('backbone.', 'net.'): v
        for k, v in src.state_dict().items() if k.startswith('backbone.')}},
        path)
    model = MODELS.build(CLASSIFIER)
    stub = SimpleNamespace(
        _has_loaded=False, _resume=False, _load_from=str(path),
        cfg=Config(dict(load_cfg=dict(key_map=[(r'^net\.', 'backbone.')]))),
        model=model, logger=MMLogger.get_current_instance(),
        _built_datasets=dict)
    FineTuneRunner.load_or_resume(stub)
    assert stub._has_loaded
    report = stub.load_report
    assert report.unexpected == []
    assert all(k.startswith('cls_head.') for k in report.missing)
    for key, value in src.state_dict().items():
        if key.startswith('backbone.'):
            assert torch.equal(model.state_dict()[key], value), key


def test_without_key_map_foreign_keys_fit_nothing(tmp_path):
    torch.manual_seed(0)
    src = MODELS.build(CLASSIFIER)
    path = tmp_path / 'foreign.pth'
    torch.save({'state_dict': {'net.' + k: v
                               for k, v in src.state_dict().items()}}, path)
    stub = SimpleNamespace(
        _has_loaded=False, _resume=False, _load_from=str(path),
        cfg=Config(dict()), model=MODELS.build(CLASSIFIER),
        logger=MMLogger.get_current_instance(), _built_datasets=dict)
    # nothing fits: refused (a run from random weights is not a
    # fine-tuning), naming the checkpoint's keys
    with pytest.raises(CheckpointMismatchError,
                       match=f'Nothing of {path} fits.*net.backbone'):
        FineTuneRunner.load_or_resume(stub)
    assert not stub._has_loaded


def _kth_runner(repo_root, generated_data, work, **options):
    from ftplugin.utils import build_runner, set_data_root
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/pose_ae_kth_pretrain.py'))
    set_data_root(cfg, str(generated_data / 'kth_poses'))
    cfg.work_dir = str(work)
    cfg.merge_from_dict(options)
    return build_runner(cfg)


def test_resume_from_a_garbage_last_checkpoint_is_named(
        repo_root, generated_data, tmp_path):
    """mmengine failed with a bare IndexError / FileNotFoundError naming
    no last_checkpoint."""
    from ftplugin.checkpoint import CorruptCheckpointError
    (tmp_path / 'epoch_3.pth').write_bytes(b'')
    (tmp_path / 'last_checkpoint').write_bytes(b'\x00\x01garbage')
    runner = _kth_runner(repo_root, generated_data, tmp_path, resume=True)
    with pytest.raises(CorruptCheckpointError) as info:
        runner.train()
    assert str(info.value).startswith(
        f'{tmp_path / "last_checkpoint"} should name the checkpoint')
    assert f'--resume {tmp_path / "epoch_3.pth"}' in str(info.value)
    # the file it would name is empty: that is named too
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    runner = _kth_runner(repo_root, generated_data, tmp_path, resume=True,
                         experiment_name='resume_empty')
    with pytest.raises(CorruptCheckpointError,
                       match=f'{tmp_path / "epoch_3.pth"} is empty'):
        runner.train()


def test_a_test_without_checkpoint_is_refused(repo_root, generated_data,
                                              tmp_path):
    runner = _kth_runner(repo_root, generated_data, tmp_path)
    with pytest.raises(ValueError, match='nothing to test: no checkpoint'):
        runner.test()


def test_a_test_loads_every_tensor_or_nothing(repo_root, generated_data,
                                              tmp_path):
    """Testing ignores load_cfg.skip / inflate and refuses a checkpoint
    that leaves any tensor at its initial value or skips one by shape,
    naming them with both shapes; the model is left untouched."""
    from ftplugin.utils import build_runner, set_data_root
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'))
    set_data_root(cfg, str(generated_data / 'kaggle_fall'))
    cfg.work_dir = str(tmp_path / 'work')
    source = MODELS.build(cfg.model).state_dict()
    # a head of 3 classes: its last layer differs by shape
    last = [k for k in source if k.startswith('cls_head.')][-2:]
    weight, bias = sorted(last, key=lambda k: not k.endswith('weight'))
    wrong = dict(source, **{weight: torch.zeros(3, source[weight].shape[1]),
                            bias: torch.zeros(3)})
    path = tmp_path / 'three_classes.pth'
    torch.save({'state_dict': wrong}, path)
    cfg.load_from = str(path)
    cfg.load_cfg = dict(skip=['cls_head'])  # never applies to a test
    runner = build_runner(cfg)
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    with pytest.raises(CheckpointMismatchError) as info:
        runner.test()
    message = str(info.value)
    assert message.startswith(f'{path} does not fit the model of '
                              f'{cfg.filename}: 2 of its')
    shape = tuple(source[weight].shape)
    assert (f'{weight} (checkpoint (3, {shape[1]}) vs model {shape})'
            in message)
    assert '--cfg-options model.cls_head.num_classes=3' in message
    assert all(torch.equal(before[k], v)
               for k, v in runner.model.state_dict().items())


def test_resume_from_a_checkpoint_of_another_model_is_refused(
        repo_root, generated_data, tmp_path):
    """mmengine's resume loaded what fitted, left the rest initialised (a
    warning) and failed in torch's optimizer naming no file."""
    other = tmp_path / 'classifier.pth'
    torch.save({'state_dict': MODELS.build(CLASSIFIER).state_dict()}, other)
    runner = _kth_runner(repo_root, generated_data, tmp_path / 'work',
                         resume=True, load_from=str(other))
    with pytest.raises(CheckpointMismatchError) as info:
        runner.train()
    message = str(info.value)
    assert message.startswith(f'{other} cannot be resumed by ')
    assert 'pose_ae_kth_pretrain.py' in message
    assert 'cls_head.' in message and 'load_from=CHECKPOINT' in message


def test_resume_checks_the_optimizer_groups_too(repo_root, generated_data,
                                                tmp_path):
    from ftplugin.checkpoint import check_resume_fit
    runner = _kth_runner(repo_root, generated_data, tmp_path / 'work')
    model = runner.model
    optimizer = torch.optim.Adam(model.parameters())
    path = tmp_path / 'own.pth'
    torch.save({'state_dict': model.state_dict(),
                'optimizer': optimizer.state_dict()}, path)
    # the run's own checkpoint fits
    check_resume_fit(model, str(path), optimizer=optimizer)
    # the same weights, but an optimizer with other groups (another
    # paramwise_cfg): refused, naming both group sizes
    params = list(model.parameters())
    split = torch.optim.Adam([{'params': params[:2]},
                              {'params': params[2:]}])
    with pytest.raises(CheckpointMismatchError,
                       match=rf'groups of \[{len(params)}\] tensors.*'
                       rf'\[2, {len(params) - 2}\]'):
        check_resume_fit(model, str(path), optimizer=split)


def test_a_test_refuses_a_checkpoint_with_parts_the_model_lacks(
        repo_root, generated_data, tmp_path):
    """An ava_custom IA checkpoint tested with the baseline config: its IA
    tensors were dropped (reported only) and the baseline head scored,
    exit 0; the ONNX export did the same."""
    from ftplugin.utils import build_runner, set_data_root
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'))
    set_data_root(cfg, str(generated_data / 'kaggle_fall'))
    cfg.work_dir = str(tmp_path / 'work')
    state = dict(MODELS.build(cfg.model).state_dict())
    state['cls_head.ia.person_reduce.weight'] = torch.zeros(4, 4)
    path = tmp_path / 'with_ia.pth'
    torch.save({'state_dict': state}, path)
    cfg.load_from = str(path)
    with pytest.raises(CheckpointMismatchError,
                       match=rf'{path} does not fit the model of .*: 1 of its '
                       r'tensors have no place in the model, e\.g\. '
                       r'cls_head\.ia\.person_reduce\.weight'):
        build_runner(cfg).test()
