"""Fixtures of the butppg family's tests.

* ``gen``: the generator behind ``tools/data/butppg/``.
* ``butppg_data`` / ``vitaldb_data``: small generated sets, written once per
  session (neurokit2's fast 'simple' ECG model; the realistic one is
  exercised by test_generate_butppg_data.py).
* ``pretrain_run``: one epoch of ``ssl_vitaldb_2ch_pretrain.py`` through
  tools/train.py, whose ``best_model.pt`` the fine-tuning tests load.
* ``build_runner``: a FineTuneRunner of a butppg config, in this process.

Training here runs on one thread (``ONE_THREAD`` for the tools): on the
shared 2-core machine that is several times faster than two threads that
wait for each other.
"""
from pathlib import Path

import pytest

from butppg_common import (ONE_THREAD, PRETRAIN_CFG, REPO_ROOT, SIZES,
                            VITAL_SIZES, data_opts)


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def gen():
    from ftplugin.datasets.synthetic import butppg
    return butppg


@pytest.fixture(scope='session')
def butppg_data(tmp_path_factory, gen) -> Path:
    root = tmp_path_factory.mktemp('butppg')
    gen.generate_butppg(str(root), SIZES, 0.5, seed=0, ecg_method='simple',
                        verbose=False)
    return root


@pytest.fixture(scope='session')
def vitaldb_data(tmp_path_factory, gen) -> Path:
    root = tmp_path_factory.mktemp('vitaldb')
    gen.generate_vitaldb(str(root), VITAL_SIZES, seed=1,
                         ecg_method='simple', verbose=False)
    return root


@pytest.fixture(scope='session')
def pretrain_run(tmp_path_factory, vitaldb_data, run_tool) -> Path:
    """Work dir of a 1-epoch pretraining on ``vitaldb_data``."""
    work = tmp_path_factory.mktemp('pretrain')
    run_tool(['tools/train.py', PRETRAIN_CFG, '--work-dir', work, '--seed',
              '0', '--cfg-options', 'train_cfg.max_epochs=1',
              'train_dataloader.batch_size=32', 'param_scheduler=[]'] +
             data_opts(vitaldb_data, ('train', 'val')), env=ONE_THREAD)
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
