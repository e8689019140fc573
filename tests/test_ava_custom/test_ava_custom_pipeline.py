"""ava_custom end to end on generated data, as ``make demo`` runs it:
generate -> validate -> train -> tools/test.py --dump (+ predictions CSV)
-> ONNX export with onnxruntime parity -> report; the final table's mAP
and baseline are those of the test metrics."""
import json
import os

import numpy as np
import pytest

from demo_output import check_steps, load_dump, number
from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv

PREDICT = (['predict'] if os.path.isfile(os.path.join(
    os.path.dirname(__file__), '..', '..', 'tools', 'infer.py')) else [])


@pytest.mark.slow
def test_demo_trains_tests_dumps_and_exports(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_tool(['demo/run_demo.py', '--quick', '--threads', '1',
                     '--families', 'ava_custom', '--work-root', work],
                    timeout=600)
    rows = check_steps(proc.stdout, 'ava_custom', work, [
        'generate', 'validate', 'train', 'test', 'export'] + PREDICT +
        ['report'])
    family = work / 'ava_custom'
    assert rows['checkpoint'] == str(
        next(family.glob('best_mAP_overall_epoch_*.pth')))
    assert rows['test predictions'] == str(family / 'test_predictions.pkl')
    results = load_dump(rows['test predictions'])
    assert results
    first = results[0]
    boxes = np.asarray(first['pred_instances']['bboxes'])
    scores = np.asarray(first['pred_instances']['scores'])
    # two people per keyframe; the 0.3-scored false detection is below
    # the box threshold; 4 generated classes
    assert boxes.shape == (2, 4) and scores.shape == (2, 4)
    assert (boxes >= 0).all() and (boxes <= 1).all()
    assert {'video_id', 'timestamp'} <= set(first)
    rows_csv = read_predictions_csv(rows['predictions CSV'])
    assert len(rows_csv) == sum(
        len(r['pred_instances']['bboxes']) * 4 for r in results)
    assert {r[6] for r in rows_csv} == {1, 2, 3, 4}  # the original ids
    metrics = json.loads((family / 'test_metrics.json').read_text())
    assert number(rows['metric'], 'mAP/overall') == round(
        metrics['mAP/overall'], 4)
    assert number(rows['baseline'], 'constant score') == round(
        metrics['mAP/constant_baseline'], 4)
    assert '"passed": true' in (work / 'logs' /
                                'ava_custom_export.log').read_text()
    assert os.path.getsize(rows['ONNX model']) > 0
    assert os.path.getsize(rows['report']) > 0
