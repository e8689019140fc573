"""tools/test.py --dump on the session's fine-tuned checkpoint."""
import json
import pickle

import numpy as np
import pytest
import torch


PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


@pytest.fixture(scope='module')
def tested(trained_runs, run_tool, tool_cfg, tmp_path_factory):
    out = tmp_path_factory.mktemp('test_tool')
    dump = out / 'out.pkl'
    work = out / 'work'
    run_tool(['tools/test.py', tool_cfg.finetune, trained_runs.best_ckpt,
              '--work-dir', work, '--dump', dump, '--data-root',
              trained_runs.kaggle])
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    metrics = json.loads((work / 'test_metrics.json').read_text())
    return results, metrics, work


def test_dump_is_per_sample_predictions(tested, trained_runs, tool_cfg,
                                        config_dataset):
    results, _, _ = tested
    test_set = config_dataset(tool_cfg.finetune, 'test',
                              trained_runs.kaggle)
    assert isinstance(results, list) and len(results) == len(test_set)
    for i, result in enumerate(results):
        assert isinstance(result, dict)
        assert {'pred_score', 'pred_label', 'gt_label'} <= set(result)
        score = torch.as_tensor(result['pred_score'])
        assert score.shape == (2, )
        assert float(score.sum()) == pytest.approx(1.0, abs=1e-5)
        assert int(result['pred_label']) == int(score.argmax())
        # the test loader does not shuffle: same order as the split
        assert int(result['gt_label']) == test_set.get_data_info(i)['label']


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
