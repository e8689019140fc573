"""ftplugin.apis.data_validation / datasets.formats.checks: every defect of a malformed
data root reported at once (file and field), the same checks raising at run
time; truncated .npz files and odd KTH names give precise errors."""
import shutil

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.config import Config

from ftplugin.apis.data_validation import (exit_code, format_reports,
                                           validate_config)
from ftplugin.datasets.formats.checks import DataWarning

KAGGLE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'


def kaggle_cfg(repo_root, root):
    cfg = Config.fromfile(str(repo_root / KAGGLE_CFG))
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = str(root)
    return cfg


@pytest.fixture
def broken_kaggle(generated_data, tmp_path):
    """A copy of the generated Kaggle root with three kinds of bad file."""
    root = tmp_path / 'kaggle_fall'
    shutil.copytree(generated_data / 'kaggle_fall', root)
    fall = sorted((root / 'Fall' / 'Keypoints_CSV').glob('S_*.csv'))
    no_fall = sorted((root / 'No_Fall' / 'Keypoints_CSV').glob('*.csv'))
    bad = {}
    text = fall[0].read_text()
    fall[0].write_text(text.replace('Confidence', 'Score', 1))
    bad[fall[0]] = "missing column(s) ['Confidence']"
    lines = fall[1].read_text().splitlines()
    lines[1] = ','.join(lines[1].split(',')[:2] + ['oops'] +
                        lines[1].split(',')[3:])
    fall[1].write_text('\n'.join(lines) + '\n')
    bad[fall[1]] = "column 'X' is not numeric"
    lines = no_fall[-1].read_text().splitlines()
    lines[1] = lines[1].replace(lines[1].split(',')[1], 'Left Tail', 1)
    no_fall[-1].write_text('\n'.join(lines) + '\n')
    bad[no_fall[-1]] = "field Keypoint has unknown name(s) ['Left Tail']"
    return root, bad


def test_every_defect_is_reported_at_once(repo_root, broken_kaggle):
    root, bad = broken_kaggle
    reports = validate_config(kaggle_cfg(repo_root, root), progress=False)
    problems = [p for r in reports for p in r.problems]
    for path, what in bad.items():
        assert any(str(path) in p and what in p for p in problems), (
            path, what, problems)
    # the generated header-only files, skipped as the config asks
    # (on_empty='skip'), are named as such, not counted as problems
    notes = [n for r in reports for n in r.notes]
    assert any('header only' in n for n in notes)
    assert not any('header only' in p for p in problems)
    text = format_reports(reports)
    assert 'problem(s) found' in text and 'Summary:' in text
    assert 'skipped as configured' in text
    # at run time the same check stops the dataset at the first bad file
    cfg = kaggle_cfg(repo_root, root).train_dataloader.dataset
    with pytest.raises(ValueError) as err:
        DATASETS.build(cfg)
    assert any(str(p) in str(err.value) for p in bad)


def test_header_only_files_are_problems_when_the_config_refuses_them(
        repo_root, generated_data):
    cfg = kaggle_cfg(repo_root, generated_data / 'kaggle_fall')
    cfg.train_dataloader.dataset.on_empty = 'error'
    (report, ) = validate_config(cfg, ('train', ), progress=False)
    assert any('header only' in p for p in report.problems)
    assert not report.notes


def test_a_clean_root_has_no_problem(repo_root, generated_data):
    cfg = kaggle_cfg(repo_root, generated_data / 'kaggle_fall')
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.on_empty = 'error'
    reports = validate_config(cfg, ('test', ), progress=False)
    assert reports[0].samples > 0
    assert set(reports[0].class_counts) == {'Fall', 'No_Fall'}


def test_shared_kaggle_data_shows_only_the_header_only_files(
        repo_root, shared_data):
    reports = validate_config(kaggle_cfg(repo_root,
                                         shared_data / 'kaggle_fall'),
                              progress=False)
    problems = [p for r in reports for p in r.problems]
    notes = [n for r in reports for n in r.notes]
    assert not problems, problems
    named = [n for n in ('C_M_112_resized', 'B_M_89_', 'C_D_0204_',
                         'C_D_0205_') if any(n in p for p in notes)]
    assert len(named) == 4, notes
    assert all('header only' in n for n in notes), notes
    # the config skips them (on_empty='skip'): exit 0 even with --strict
    assert exit_code(reports) == 0 and exit_code(reports, strict=True) == 0


def kth_dataset(root):
    return DATASETS.build(dict(type='KTHPoseDataset', data_root=str(root),
                               split='train', split_ratios=(1.0, 0.0, 0.0),
                               pipeline=[]))


def test_truncated_kth_npz_names_the_file(generated_data, tmp_path):
    root = tmp_path / 'kth'
    shutil.copytree(generated_data / 'kth_poses', root)
    victim = sorted(root.glob('*.npz'))[0]
    data = victim.read_bytes()
    victim.write_bytes(data[:len(data) // 2])
    with pytest.raises(ValueError, match=str(victim)) as err:
        kth_dataset(root)
    assert 'truncated or corrupt' in str(err.value)


def test_kth_without_meta_and_an_odd_name(generated_data, tmp_path):
    root = tmp_path / 'kth'
    shutil.copytree(generated_data / 'kth_poses', root)
    source = sorted(root.glob('*.npz'))[0]
    with np.load(source) as data:
        poses = data['poses']
    odd = root / 'clip42.npz'
    np.savez(odd, poses=poses)
    with pytest.raises(ValueError) as err:
        kth_dataset(root)
    message = str(err.value)
    assert str(odd) in message and 'no field "meta"' in message
    assert 'personXX_<action>_dY' in message
