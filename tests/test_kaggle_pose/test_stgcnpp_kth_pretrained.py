"""ST-GCN++ pretrained on the six KTH actions, then fine-tuned on the Kaggle
files: configs/kaggle_pose/stgcnpp_kth_pretrain_joint_u64.py and
stgcnpp_kaggle_joint_u64_kth_pretrained.py, through the runner that
tools/train.py builds (generated KTH npz and Kaggle CSVs, one epoch each)."""
import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, TRANSFORMS
from mmengine.config import Config
from mmengine.hooks import Hook

from ftplugin.checkpoint import safe_torch_load
from ftplugin.utils import build_runner, set_data_root

PRETRAIN = 'configs/kaggle_pose/stgcnpp_kth_pretrain_joint_u64.py'
FINETUNE = 'configs/kaggle_pose/stgcnpp_kaggle_joint_u64_kth_pretrained.py'
SCRATCH = 'configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py'


def one_epoch_runner(repo_root, config, data_root, work_dir, **options):
    """The runner of ``config`` for one epoch on ``data_root``."""
    cfg = Config.fromfile(str(repo_root / config))
    set_data_root(cfg, str(data_root))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_epochs = 1
    cfg.param_scheduler[0].T_max = 1
    cfg.default_hooks.history = None  # its plot is slower than the epoch
    cfg.randomness = dict(seed=0)
    cfg.merge_from_dict(options)
    return build_runner(cfg)


class BackboneAtStart(Hook):
    """Keeps the model's state as training starts (after loading)."""

    def before_train(self, runner) -> None:
        self.state = {k: v.detach().clone()
                      for k, v in runner.model.state_dict().items()}


@pytest.fixture(scope='module')
def kth_checkpoint(repo_root, generated_data, tmp_path_factory):
    """The best checkpoint of one epoch of the KTH pretraining config."""
    work_dir = tmp_path_factory.mktemp('stgcnpp_kth_pretrain')
    runner = one_epoch_runner(repo_root, PRETRAIN,
                              generated_data / 'kth_poses', work_dir)
    runner.train()
    found = sorted(work_dir.glob('best_acc_top1_epoch_*.pth'))
    assert len(found) == 1, f'pretraining left {found} in {work_dir}'
    return found[0]


def test_kth_skeletons_fill_the_normalised_frame(repo_root, generated_data):
    """KTH's 160 x 120 pixels map to [-1, 1] (not mmaction2's default
    1080 x 1920 frame, which would squeeze them near -1)."""
    cfg = Config.fromfile(str(repo_root / PRETRAIN))
    dataset = cfg.train_dataloader.dataset
    normalise = TRANSFORMS.build(dataset.pipeline[0])
    assert normalise.__class__.__name__ == 'PreNormalize2D'
    dataset.update(data_root=str(generated_data / 'kth_poses'), split='all',
                   pipeline=[])
    data = DATASETS.build(dataset)
    assert len(data) == len(list((generated_data / 'kth_poses').glob(
        '*.npz')))  # one sample per file, not per sliding window
    info = data.get_data_info(0)
    assert info['img_shape'] == (120, 160)
    assert set(np.unique(info['keypoint_score'])) <= {0.0, 1.0}
    pixels = info['keypoint'].copy()
    xy = normalise(info)['keypoint']
    np.testing.assert_allclose(xy[..., 0], pixels[..., 0] / 80 - 1, atol=1e-6)
    np.testing.assert_allclose(xy[..., 1], pixels[..., 1] / 60 - 1, atol=1e-6)
    detected = xy[info['keypoint_score'] > 0]
    assert detected.min() >= -1 and detected.max() <= 1


@pytest.mark.slow
def test_kth_pretraining_writes_a_six_class_checkpoint(kth_checkpoint):
    state = safe_torch_load(str(kth_checkpoint))['state_dict']
    assert tuple(state['cls_head.fc.weight'].shape) == (6, 256)
    assert any(k.startswith('backbone.gcn.') for k in state)


@pytest.mark.slow
def test_finetune_loads_the_kth_backbone_and_a_fresh_head(
        repo_root, generated_data, kth_checkpoint, tmp_path):
    runner = one_epoch_runner(repo_root, FINETUNE,
                              generated_data / 'kaggle_fall', tmp_path,
                              load_from=str(kth_checkpoint))
    start = BackboneAtStart()
    runner.register_hook(start)
    runner.train()

    pretrained = safe_torch_load(str(kth_checkpoint))['state_dict']
    backbone = {k: v for k, v in pretrained.items()
                if k.startswith('backbone.')}
    assert backbone and set(backbone) == {
        k for k in start.state if k.startswith('backbone.')}
    for key, value in backbone.items():  # every weight and BN statistic
        assert torch.equal(start.state[key], value), key
    assert tuple(start.state['cls_head.fc.weight'].shape) == (2, 256)
    assert sorted(runner.load_report.skipped) == ['cls_head.fc.bias',
                                                  'cls_head.fc.weight']
    # it trained: the backbone moved away from the pretrained weights
    trained = runner.model.state_dict()
    moved = [k for k, v in backbone.items()
             if v.is_floating_point() and not torch.equal(trained[k], v)]
    assert moved
    assert list(tmp_path.glob('best_acc_top1_epoch_1.pth'))


def test_finetune_without_load_from_is_an_error(repo_root, generated_data,
                                                 tmp_path):
    runner = one_epoch_runner(repo_root, FINETUNE,
                              generated_data / 'kaggle_fall', tmp_path)
    with pytest.raises(ValueError, match='load_from is not set'):
        runner.train()


def test_finetune_from_a_checkpoint_without_backbone_is_an_error(
        repo_root, generated_data, tmp_path):
    wrong = tmp_path / 'head_only.pth'
    torch.save({'state_dict': {'cls_head.fc.weight': torch.zeros(2, 256)}},
               wrong)
    runner = one_epoch_runner(repo_root, FINETUNE,
                              generated_data / 'kaggle_fall',
                              tmp_path / 'work', load_from=str(wrong))
    # its only tensor is the head, which load_cfg.skip never loads
    with pytest.raises(RuntimeError,
                       match=f'Nothing of {wrong} fits the model of .*'
                       f'{FINETUNE}'):
        runner.train()


def test_finetune_has_the_schedule_of_from_scratch(repo_root):
    """Only the loading differs, so k-fold compares pretraining alone."""
    finetune = Config.fromfile(str(repo_root / FINETUNE)).to_dict()
    scratch = Config.fromfile(str(repo_root / SCRATCH)).to_dict()
    assert finetune.pop('load_cfg') == dict(
        required=['backbone'], skip=['cls_head'],
        scratch_config='configs/kaggle_pose/stgcnpp_kaggle_joint_u64.py')
    assert finetune == scratch
