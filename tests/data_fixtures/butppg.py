"""Paths, sizes and fixtures of the butppg family's tests.

* ``one_thread``: one torch thread for a test module (``pytestmark =
  pytest.mark.usefixtures('one_thread')``): on the shared 2-core machine
  that is several times faster than two threads that wait for each other
  (``ONE_THREAD`` does the same for tool subprocesses).
* ``butppg_gen``: the generator behind ``tools/data/butppg/``.
* ``butppg_data`` / ``vitaldb_data``: small generated sets, written once per
  session (neurokit2's fast 'simple' ECG model; the realistic one is
  exercised by test_synthetic_butppg.py).
* ``pretrain_run``: one epoch of ``ssl_vitaldb_2ch_pretrain.py`` through
  tools/train.py, whose ``best_model.pt`` the fine-tuning tests load.
* ``build_runner``: a FineTuneRunner of a butppg config, in this process.
"""
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PRETRAIN_CFG = 'configs/butppg/ssl_vitaldb_2ch_pretrain.py'
FINETUNE_CFG = 'configs/butppg/butppg_5ch_finetune.py'
FINETUNE_3STAGE_CFG = 'configs/butppg/butppg_5ch_finetune_3stage.py'
SCRATCH_CFG = 'configs/butppg/butppg_5ch_scratch.py'
SIZES = dict(train=64, val=32, test=40)
VITAL_SIZES = dict(train=64, val=16)
ONE_THREAD = {'OMP_NUM_THREADS': '1'}


@pytest.fixture(scope='module')
def one_thread():
    """One torch thread for a module (``pytestmark = usefixtures``)."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def butppg_gen():
    from ftplugin.testing.synthetic import butppg
    return butppg


@pytest.fixture(scope='session')
def butppg_data(tmp_path_factory, butppg_gen) -> Path:
    root = tmp_path_factory.mktemp('butppg')
    butppg_gen.generate_butppg(str(root), SIZES, 0.5, seed=0,
                               ecg_method='simple', verbose=False)
    return root


@pytest.fixture(scope='session')
def vitaldb_data(tmp_path_factory, butppg_gen) -> Path:
    root = tmp_path_factory.mktemp('vitaldb')
    butppg_gen.generate_vitaldb(str(root), VITAL_SIZES, seed=1,
                                ecg_method='simple', verbose=False)
    return root


@pytest.fixture(scope='session')
def pretrain_run(tmp_path_factory, vitaldb_data, run_tool) -> Path:
    """Work dir of a 1-epoch pretraining on ``vitaldb_data``."""
    work = tmp_path_factory.mktemp('pretrain')
    run_tool(['tools/train.py', PRETRAIN_CFG, '--work-dir', work, '--seed',
              '0', '--cfg-options', 'train_cfg.max_epochs=1',
              'train_dataloader.batch_size=32', 'param_scheduler=[]'] +
             ['--data-root', vitaldb_data], env=ONE_THREAD)
    assert (work / 'best_model.pt').is_file()
    return work


@pytest.fixture
def build_runner(tmp_path):
    """``build_runner(cfg_path, data_root, **options)``: a FineTuneRunner
    of that config, built in this process (options as --cfg-options)."""
    from mmengine.config import Config

    from ftplugin.utils import build_runner as build

    def make(cfg_path, data_root, work_name='work', **options):
        cfg = Config.fromfile(str(REPO_ROOT / cfg_path))
        cfg.work_dir = str(tmp_path / work_name)
        cfg.launcher = 'none'
        cfg.randomness = dict(seed=0)
        cfg.default_hooks.logger.interval = 1
        for split in ('train', 'val', 'test'):
            cfg[f'{split}_dataloader'].dataset.data_root = str(data_root)
        cfg.merge_from_dict(options)
        return build(cfg)

    return make
