"""Paths and sizes shared by the butppg tests (conftest imports them)."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PRETRAIN_CFG = 'configs/butppg/ssl_vitaldb_2ch_pretrain.py'
FINETUNE_CFG = 'configs/butppg/butppg_5ch_finetune.py'
FINETUNE_3STAGE_CFG = 'configs/butppg/butppg_5ch_finetune_3stage.py'
SCRATCH_CFG = 'configs/butppg/butppg_5ch_scratch.py'
SIZES = dict(train=64, val=32, test=40)
VITAL_SIZES = dict(train=64, val=16)
ONE_THREAD = {'OMP_NUM_THREADS': '1'}


def data_opts(root, splits=('train', 'val', 'test')) -> list:
    return [f'{s}_dataloader.dataset.data_root={root}' for s in splits]
