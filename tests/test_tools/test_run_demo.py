"""demo/run_demo.py --quick for each family (what make demo runs).

Each run generates its data and writes every run and log under --work-root
(here pytest's tmp_path), on one thread per step. The final table's metric
and baseline are checked against the dump they come from; a step that
fails shows its log's tail and makes the demo exit 1.
"""
import json
import os
import re

import numpy as np
import pytest

from demo_output import (check_steps, final_table, labels, load_dump,
                         majority_share, number)



def run_demo(run_tool, work, family, *extra, check=True):
    return run_tool(['demo/run_demo.py', '--quick', '--threads', '1',
                     '--families', family, '--work-root', work, *extra],
                    timeout=600, check=check)


def tail_steps(*steps):
    """test, export, predict, report."""
    return ['test', 'export', 'predict', 'report'] + list(steps)


def check_files(rows, work, family):
    """Every file the table names exists, under the family's work dir; the
    export passed its parity check; tools/infer.py wrote predictions."""
    for name in ('report', 'checkpoint', 'test predictions', 'ONNX model',
                 'predictions'):
        path = rows[name]
        assert path.startswith(str(work / family)), (name, path)
        assert os.path.getsize(path) > 0, (name, path)
    log = (work / 'logs' / f'{family}_export.log').read_text()
    assert '"passed": true' in log


def check_accuracy(rows):
    """The table's test accuracy and majority-class baseline are those of
    the dump; returns its (true, predicted) labels."""
    truth, pred = labels(load_dump(rows['test predictions']))
    assert number(rows['metric'], 'test accuracy') == round(
        (truth == pred).mean(), 4)
    assert number(rows['baseline'], 'majority class') == round(
        majority_share(truth), 4)
    return truth, pred


@pytest.mark.slow
def test_kaggle_pose(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_demo(run_tool, work, 'kaggle_pose')
    rows = check_steps(proc.stdout, 'kaggle_pose', work, [
        'generate', 'validate', 'pretrain', 'train'] + tail_steps())
    check_files(rows, work, 'kaggle_pose')
    assert re.search(r'best_acc_top1_epoch_\d+\.pth$', rows['checkpoint'])
    ft = work / 'kaggle_pose' / 'pose_ae_kaggle_finetune'
    truth, pred = check_accuracy(rows)
    metrics = json.loads((ft / 'test_metrics.json').read_text())
    assert abs(metrics['acc/top1'] - (truth == pred).mean()) < 1e-9
    history = json.loads((ft / 'training_history.json').read_text())
    assert [h['epoch'] for h in history] == [1, 2, 3]
    # the KTH pretraining ran and its best checkpoint was fine-tuned from
    assert list(work.rglob('best_recon_mse_epoch_*.pth'))
    assert '](confusion_matrix.png)' in open(rows['report']).read()
    # the validation of the generated Kaggle files names the header-only
    # ones the config skips, and passes
    log = (work / 'logs' / 'kaggle_pose_validate.log').read_text()
    assert 'skipped as configured' in log and 'No problem found' in log


@pytest.mark.slow
def test_apple_watch(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_demo(run_tool, work, 'apple_watch')
    rows = check_steps(proc.stdout, 'apple_watch', work, [
        'generate', 'validate', 'pretrain', 'train'] + tail_steps())
    check_files(rows, work, 'apple_watch')
    truth, error = [], []
    for r in load_dump(rows['test predictions']):
        mask = np.asarray(r['mask']).ravel() > 0
        gt = np.asarray(r['gt_hr']).ravel()[mask]
        truth.append(gt)
        error.append(np.abs(np.asarray(r['pred_hr']).ravel()[mask] - gt))
    truth, error = np.concatenate(truth), np.concatenate(error)
    assert number(rows['metric'], 'test MAE') == pytest.approx(
        error.mean(), abs=0.006)
    assert number(rows['baseline'], 'MAE') == pytest.approx(
        np.abs(truth - truth.mean()).mean(), abs=0.006)


@pytest.mark.slow
def test_butppg(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_demo(run_tool, work, 'butppg')
    rows = check_steps(proc.stdout, 'butppg', work, [
        'generate_vitaldb', 'generate_butppg', 'validate', 'pretrain',
        'train'] + tail_steps())
    check_files(rows, work, 'butppg')
    truth, pred = check_accuracy(rows)
    assert number(rows['metric'], 'good') == round(
        (pred[truth == 1] == 1).mean(), 4)
    # the fine-tuning started from the pretraining's weights
    assert (work / 'butppg' / 'ssl_vitaldb_2ch_pretrain' /
            'best_model.pt').is_file()


@pytest.mark.slow
def test_thermal(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_demo(run_tool, work, 'thermal')
    rows = check_steps(proc.stdout, 'thermal', work, [
        'generate', 'weights', 'validate', 'train'] + tail_steps())
    check_files(rows, work, 'thermal')
    truth, pred = labels(load_dump(rows['test predictions']))
    present = np.unique(truth)
    mean_class = np.mean([(pred[truth == c] == c).mean() for c in present])
    assert number(rows['metric'], 'acc/mean_class') == round(mean_class, 4)
    assert number(rows['baseline'], 'mean_class') == round(
        1 / len(present), 4)
    assert number(rows['baseline'], 'top1') == round(
        majority_share(truth), 4)


def test_a_failing_step_shows_its_log_and_exits_1(run_tool, tmp_path):
    """Pose folders without a file: the validation step fails; the demo
    shows the end of its log, names it in the table and exits 1."""
    data = tmp_path / 'data'
    (data / 'kth_poses').mkdir(parents=True)
    (data / 'kaggle_fall').mkdir()
    work = tmp_path / 'demo'
    proc = run_demo(run_tool, work, 'kaggle_pose', '--data-root', data,
                    check=False)
    assert proc.returncode == 1, proc.stdout
    log = work / 'logs' / 'kaggle_pose_validate.log'
    assert f'lines of {log}:' in proc.stdout
    # the tail holds the validation's own message, naming the folder
    shown = proc.stdout[proc.stdout.index(f'lines of {log}:'):]
    assert str(data / 'kaggle_fall') in shown.split('\n---')[0]
    rows = final_table(proc.stdout)['kaggle_pose']
    assert rows['ran'] == ['-']
    assert str(log) in rows['FAILED'][0] and 'metric' not in rows
    assert 'FAILED: kaggle_pose' in proc.stdout
    assert not (work / 'kaggle_pose').exists()
