"""Shared fixtures of the ftplugin test suite.

* ``repo_root``: the checkout under test (subprocesses run there).
* ``shared_data`` / ``original_checkpoints``: the real files of ``../shared``
  beside the checkout; tests that need them skip, naming the reason, only
  when that folder is absent.
* ``generated_data``: small KTH-style and Kaggle-style corpora written once
  per session by ``ftplugin.testing.synthetic.kaggle_pose``.
* ``run_tool``: runs a repository command with ``sys.executable``.
* ``tool_cfg``: the kaggle_pose config paths and ``--cfg-options`` helpers;
  ``config_dataset``: the dataset a config's dataloader builds.
* ``trained_runs``: one KTH pretraining (1 epoch) and one Kaggle fine-tuning
  from it (2 epochs), shared by the tool, checkpoint and hook tests.

The other families' data fixtures live in ``tests/data_fixtures/<family>.py``
(registered below), so the unit tests that mirror the package and each
family's end-to-end folder share one generated copy.
"""
import os
import os.path as osp
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# `make test` runs the suite on pytest-xdist workers, one per core: each
# worker, and every tool it starts (which inherits the environment), then
# uses one intra-op thread instead of one per core, so that the workers do
# not oversubscribe the cores. Set before torch is first imported.
if os.environ.get('PYTEST_XDIST_WORKER'):
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    os.environ.setdefault('MKL_NUM_THREADS', '1')

pytest_plugins = ['data_fixtures.apple_watch', 'data_fixtures.ava_custom',
                  'data_fixtures.butppg', 'data_fixtures.thermal']

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_ROOT = REPO_ROOT.parent / 'shared'
SHARED_MISSING = ('../shared/data absent: real-data test needs the shared '
                  'folder beside the checkout')

# Sizes of the generated corpora: big enough that every split of every
# config is non-empty (the KTH config splits 90/10 per action; 6 files per
# action, as Python rounds 0.5 down to 0 for 5) and that fine-tuning
# (BATCH_OPTIONS, drop_last) runs at least one iteration per epoch even on
# each of two distributed ranks.
KTH_VIDEOS = 36
KAGGLE_PER_CLASS = 30
KAGGLE_HEADER_ONLY = 2

FINETUNE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
PRETRAIN_CFG = 'configs/kaggle_pose/pose_ae_kth_pretrain.py'
# the generated training split (~44 files) gives 2 iterations per epoch, and
# 1 per rank with 2 processes, whatever batch size the config ships with
BATCH_OPTIONS = ['train_dataloader.batch_size=16']


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (end-to-end runs of a minute or more) run
    first: pytest-xdist deals its first tests out to the workers one by one,
    so the long ones run side by side instead of one worker ending the suite
    alone on them."""
    items.sort(key=lambda item: item.get_closest_marker('slow') is None)


@pytest.fixture(scope='session')
def tool_cfg():
    """Config paths of the kaggle_pose family and its batch option."""
    from types import SimpleNamespace
    return SimpleNamespace(finetune=FINETUNE_CFG, pretrain=PRETRAIN_CFG,
                           batch=BATCH_OPTIONS)


@pytest.fixture(scope='session')
def config_dataset():
    """``config_dataset(cfg_path, split, data_root)``: the dataset a config's
    ``<split>_dataloader`` builds, with its data root replaced and its
    pipeline up to ``PackActionInputs`` (a sample is a dict, e.g. the
    normalised pose windows in ``keypoint``)."""

    def build(cfg_path, split, data_root):
        from mmaction.registry import DATASETS
        from mmengine.config import Config
        cfg = Config.fromfile(str(REPO_ROOT / cfg_path))
        dataset = cfg[f'{split}_dataloader'].dataset
        dataset.data_root = str(data_root)
        dataset.pipeline = [t for t in dataset.pipeline
                            if t.type != 'PackActionInputs']
        return DATASETS.build(dataset)

    return build


@pytest.fixture(scope='session')
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope='session')
def shared_data() -> Path:
    data = SHARED_ROOT / 'data'
    if not data.is_dir():
        pytest.skip(SHARED_MISSING)
    return data


@pytest.fixture(scope='session')
def original_checkpoints(shared_data) -> Path:
    folder = SHARED_ROOT / 'checkpoints' / 'fall_detection_study'
    if not folder.is_dir():
        pytest.skip('../shared/checkpoints/fall_detection_study absent: the '
                    'seed checkpoint tests need the shared folder beside '
                    'the checkout')
    return folder


@pytest.fixture(autouse=True)
def mmaction_scope():
    """Import ftplugin (compat patches) and make mmaction the default scope,
    as every runner does, so that models build their data preprocessor.
    Before every test: a runner of an earlier test on the same worker (the
    hook tests' toy runners use mmengine's scope) leaves its own scope
    current, and the tests that ran after it depended on the order."""
    import ftplugin  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')


@pytest.fixture(scope='session')
def gen_module():
    """The pose generator behind tools/data/kaggle_pose/."""
    from ftplugin.testing.synthetic import kaggle_pose
    return kaggle_pose


@pytest.fixture(scope='session')
def generated_sizes() -> dict:
    """What ``generated_data`` holds."""
    return dict(kth_videos=KTH_VIDEOS, kaggle_per_class=KAGGLE_PER_CLASS,
                header_only=KAGGLE_HEADER_ONLY)


@pytest.fixture(scope='session')
def generated_data(tmp_path_factory, gen_module) -> Path:
    """``<root>/kth_poses`` and ``<root>/kaggle_fall`` (with header-only
    files), generated once per session."""
    root = tmp_path_factory.mktemp('generated_data')
    gen_module.generate_kth(
        str(root), KTH_VIDEOS, np.random.default_rng(0), verbose=False)
    gen_module.generate_kaggle(
        str(root), KAGGLE_PER_CLASS, KAGGLE_HEADER_ONLY,
        np.random.default_rng(1), verbose=False)
    return root


def _tool_env() -> dict:
    env = dict(os.environ)
    # the checkout under test first, whatever is installed
    env['PYTHONPATH'] = os.pathsep.join(
        [str(REPO_ROOT)] + ([env['PYTHONPATH']] if env.get('PYTHONPATH')
                            else []))
    # shell scripts call `python`: make it this interpreter
    env['PATH'] = os.pathsep.join(
        [osp.dirname(sys.executable), env.get('PATH', '')])
    env['MPLBACKEND'] = 'Agg'
    return env


class ToolRun:
    """Runs repository commands from the repository root."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(self, args, check: bool = True, env: dict = None,
                 timeout: int = 400, python: bool = True
                 ) -> subprocess.CompletedProcess:
        cmd = ([sys.executable] if python else []) + [str(a) for a in args]
        full_env = _tool_env()
        full_env.update(env or {})
        proc = subprocess.run(
            cmd, cwd=self.cwd, env=full_env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            pytest.fail(f'{" ".join(cmd)} exited with {proc.returncode}:\n'
                        f'{proc.stdout[-6000:]}')
        return proc


@pytest.fixture(scope='session')
def run_tool() -> ToolRun:
    return ToolRun(REPO_ROOT)


class TrainedRuns:
    """Paths of the session's pretraining and fine-tuning runs."""

    def __init__(self, data: Path, pretrain_dir: Path, pretrain_ckpt: Path,
                 finetune_dir: Path, finetune_log: str) -> None:
        self.data = data
        self.kth = data / 'kth_poses'
        self.kaggle = data / 'kaggle_fall'
        self.pretrain_dir = pretrain_dir
        self.pretrain_ckpt = pretrain_ckpt
        self.finetune_dir = finetune_dir
        self.finetune_log = finetune_log

    @property
    def best_ckpt(self) -> Path:
        found = sorted(self.finetune_dir.glob('best_acc_top1_epoch_*.pth'))
        assert len(found) == 1, found
        return found[0]


@pytest.fixture(scope='session')
def trained_runs(tmp_path_factory, generated_data, run_tool) -> TrainedRuns:
    """KTH pretraining (1 epoch), then Kaggle fine-tuning (2 epochs) with
    ``load_from`` the pretraining's best checkpoint, through tools/train.py.
    """
    root = tmp_path_factory.mktemp('trained')
    kth = generated_data / 'kth_poses'
    kaggle = generated_data / 'kaggle_fall'
    pre_dir = root / 'pretrain'
    # --data-root here, the three --cfg-options elsewhere: both routes run
    run_tool(['tools/train.py', PRETRAIN_CFG, '--work-dir', pre_dir,
              '--data-root', kth, '--seed', '0', '--cfg-options',
              'train_cfg.max_epochs=1', 'param_scheduler.0.T_max=1'])
    best = sorted(pre_dir.glob('best_recon_mse_epoch_*.pth'))
    assert len(best) == 1, f'pretraining left {best} in {pre_dir}'
    ft_dir = root / 'finetune'
    proc = run_tool(['tools/train.py', FINETUNE_CFG, '--work-dir', ft_dir,
                     '--data-root', kaggle, '--seed', '0', '--cfg-options',
                     f'load_from={best[0]}', 'train_cfg.max_epochs=2'] +
                    BATCH_OPTIONS)
    return TrainedRuns(generated_data, pre_dir, best[0], ft_dir, proc.stdout)


@pytest.fixture
def copy_tree(tmp_path):
    """Copy a work dir so a test may change it without touching others."""

    def copy(src: Path, name: str) -> Path:
        dst = tmp_path / name
        shutil.copytree(src, dst)
        return dst

    return copy
