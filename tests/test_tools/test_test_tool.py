"""tools/test.py --dump on the session's fine-tuned checkpoint."""
import json
import pickle

import numpy as np
import pytest
import torch

# its module fixtures train once: every test of the module on one
# pytest-xdist worker (make test runs --dist loadgroup)
pytestmark = pytest.mark.xdist_group('test_tool')


PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


@pytest.fixture(scope='module')
def tested(trained_runs, run_tool, tool_cfg, tmp_path_factory):
    out = tmp_path_factory.mktemp('test_tool')
    dump = out / 'out.pkl'
    work = out / 'work'
    # the command on a folder of files: the default config tests 5
    # windows per file (the most fall-like decides)
    run_tool(['tools/test.py', tool_cfg.finetune, trained_runs.best_ckpt,
              '--work-dir', work, '--dump', dump, '--cfg-options',
              f'test_dataloader.dataset.data_root={trained_runs.kaggle}',
              'test_dataloader.dataset.split=all'])
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    metrics = json.loads((work / 'test_metrics.json').read_text())
    return results, metrics, work


def test_dump_is_one_row_per_file(tested, trained_runs):
    results, _, _ = tested
    csvs = sorted(str(p) for p in trained_runs.kaggle.glob(
        '*/Keypoints_CSV/*.csv') if 'EMPTY' not in p.name)
    assert isinstance(results, list)
    # every file with a pose once, named (the loader does not shuffle)
    assert [r['filename'] for r in results] == csvs
    for result in results:
        assert isinstance(result, dict)
        assert {'pred_score', 'pred_label', 'gt_label'} <= set(result)
        score = torch.as_tensor(result['pred_score'])
        assert score.shape == (2, )
        assert float(score.sum()) == pytest.approx(1.0, abs=1e-5)
        assert int(result['pred_label']) == int(score.argmax())
        assert int(result['gt_label']) == int('/Fall/' in result['filename'])


def test_metrics_agree_with_dump(tested):
    results, metrics, work = tested
    scores = np.stack([np.asarray(r['pred_score']) for r in results])
    labels = np.array([int(r['gt_label']) for r in results])
    preds = scores.argmax(1)
    assert metrics['acc/top1'] == pytest.approx((preds == labels).mean())
    matrix = np.zeros((2, 2), int)
    np.add.at(matrix, (labels, preds), 1)
    assert np.array_equal(np.asarray(metrics['confusion_matrix']), matrix)
    assert (work / 'confusion_matrix.png').read_bytes()[:8] == PNG_MAGIC


def test_dump_needs_pickle_extension(trained_runs, run_tool, tool_cfg,
                                     tmp_path):
    proc = run_tool(['tools/test.py', tool_cfg.finetune,
                     trained_runs.best_ckpt, '--work-dir', tmp_path,
                     '--dump', tmp_path / 'out.json'], check=False)
    assert proc.returncode != 0
    assert '.pkl' in proc.stdout



def test_a_config_reading_data_otherwise_than_the_training_is_refused(
        trained_runs, run_tool, tool_cfg, tmp_path):
    """The checkpoint's tensors fit a model reading 32-frame windows too:
    test.py refused nothing and scored it; now the setting is named with
    both values, and the opt-out scores it on purpose."""
    args = ['tools/test.py', tool_cfg.finetune, trained_runs.best_ckpt,
            '--work-dir', tmp_path / 'work', '--cfg-options',
            f'test_dataloader.dataset.data_root={trained_runs.kaggle}',
            'test_dataloader.dataset.clip_len=32']
    proc = run_tool(args, check=False)
    assert proc.returncode == 1, proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith(f'InputDriftError: {trained_runs.best_ckpt} was '
                           f'trained reading its data otherwise'), last
    assert 'test_dataloader.dataset.clip_len: trained 64, now 32' in last
    assert 'load_cfg.allow_input_drift=True' in last
    proc = run_tool(args + ['load_cfg.allow_input_drift=True'])
    assert 'acc/top1' in proc.stdout
def test_windows_of_another_length_than_trained_are_refused(
        trained_runs, run_tool, tool_cfg, tmp_path):
    """The checkpoint learnt from 64-frame windows: scoring it on 32-frame
    windows (the weights fit) was reported as a result."""
    proc = run_tool(['tools/test.py', tool_cfg.finetune,
                     trained_runs.best_ckpt, '--work-dir', tmp_path,
                     '--cfg-options',
                     f'test_dataloader.dataset.data_root={trained_runs.kaggle}',
                     'test_dataloader.dataset.pipeline.0.clip_len=32'],
                    check=False)
    assert proc.returncode == 1
    assert ('InputDriftError' in proc.stdout
            and 'pipeline.0.clip_len=64' in proc.stdout), proc.stdout
    assert not (tmp_path / 'test_metrics.json').exists()
