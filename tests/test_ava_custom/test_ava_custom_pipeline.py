"""ava_custom end to end on generated data, as ``make demo`` runs it:
generate -> train -> tools/test.py --dump (+ predictions CSV) -> ONNX export
with onnxruntime parity."""
import pytest
import json
import pickle
import re

import numpy as np

from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv


@pytest.mark.slow
def test_demo_trains_tests_dumps_and_exports(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_tool(['demo/run_demo.py', '--quick', '--families',
                     'ava_custom', '--work-root', work], timeout=600)
    steps = re.findall(r'=== ava_custom (\d)/4: .*: done in', proc.stdout)
    assert steps == ['1', '2', '3', '4']
    family = work / 'ava_custom'
    assert list(family.glob('best_mAP_overall_epoch_*.pth'))
    with open(family / 'test_predictions.pkl', 'rb') as f:
        results = pickle.load(f)
    assert results
    first = results[0]
    boxes = np.asarray(first['pred_instances']['bboxes'])
    scores = np.asarray(first['pred_instances']['scores'])
    # two people per keyframe; the 0.3-scored false detection is below
    # the box threshold; 4 generated classes
    assert boxes.shape == (2, 4) and scores.shape == (2, 4)
    assert (boxes >= 0).all() and (boxes <= 1).all()
    assert {'video_id', 'timestamp'} <= set(first)
    rows = read_predictions_csv(str(family / 'test_predictions.csv'))
    assert len(rows) == sum(
        len(r['pred_instances']['bboxes']) * 4 for r in results)
    assert {r[6] for r in rows} == {1, 2, 3, 4}  # the original class ids
    metrics = json.loads((family / 'test_metrics.json').read_text())
    assert 0 <= metrics['mAP/overall'] <= 1
    assert '"passed": true' in proc.stdout
    assert list(family.glob('*.onnx'))
    assert re.search(r'val mAP/overall\s+\d\.\d{4}', proc.stdout)
