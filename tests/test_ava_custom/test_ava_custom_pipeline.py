"""ava_custom end to end on generated data, as ``make demo`` runs it:
generate -> validate -> train -> tools/test.py --dump (+ predictions CSV)
-> ONNX export with onnxruntime parity -> tools/infer.py on the val
keyframes -> report; the final table's mAP and baseline are those of the
test metrics, and infer.py's scores those of the dump."""
import csv
import json
import os

import numpy as np
import pytest

from demo_output import check_steps, load_dump, number
from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv



@pytest.mark.slow
def test_demo_trains_tests_dumps_and_exports(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_tool(['demo/run_demo.py', '--quick', '--threads', '1',
                     '--families', 'ava_custom', '--work-root', work],
                    timeout=600)
    rows = check_steps(proc.stdout, 'ava_custom', work, [
        'generate', 'validate', 'train', 'test', 'export', 'predict',
        'report'])
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
    check_infer_matches_dump(rows['predictions'], results)
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


def check_infer_matches_dump(predictions_csv, results):
    """tools/infer.py scores every person box of every val keyframe as
    tools/test.py did (the demo's predict step)."""
    with open(predictions_csv) as f:
        rows = list(csv.DictReader(f))
    classes = [k[len('prob_'):] for k in rows[0] if k.startswith('prob_')]
    assert classes == ['walk', 'stand', 'wave', 'hot']
    by_key = {(r['video'], int(r['timestamp']), int(r['person'])): r
              for r in rows}
    assert len(by_key) == sum(len(r['pred_instances']['bboxes'])
                              for r in results)
    for result in results:
        for i, score in enumerate(np.asarray(
                result['pred_instances']['scores'])):
            row = by_key[(result['video_id'], int(result['timestamp']), i)]
            np.testing.assert_allclose(
                [float(row[f'prob_{c}']) for c in classes], score,
                atol=1e-4)
