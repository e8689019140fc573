"""Inference records as CSV / JSON rows, and the AVA predictions CSV."""
import csv
import json

from ftplugin.apis.inference_results import (result_rows, summary_line,
                                             write_ava_csv, write_results)
from ftplugin.datasets.formats.ava_predictions_csv import read_predictions_csv

CLASSES = ('No_Fall', 'Fall')
RECORD = dict(file='a.csv', pred_label=1, pred_class='Fall', score=0.7,
              probs=[0.3, 0.7], num_windows=2, windows=[
                  dict(window=0, start=1, end=65, pred_label=1,
                       pred_class='Fall', score=0.7, probs=[0.3, 0.7]),
                  dict(window=1, start=9, end=73, pred_label=0,
                       pred_class='No_Fall', score=0.6, probs=[0.6, 0.4])])


def test_rows_per_file_and_per_window():
    header, rows = result_rows([RECORD], CLASSES)
    assert header == ['file', 'pred_label', 'pred_class', 'score',
                      'prob_No_Fall', 'prob_Fall', 'num_windows']
    assert rows[0]['prob_Fall'] == 0.7
    header, rows = result_rows([RECORD], CLASSES, per_window=True,
                               unit='frame')
    assert header[:4] == ['file', 'window', 'start_frame', 'end_frame']
    assert [r['end_frame'] for r in rows] == [65, 73]
    assert all(r['file'] == 'a.csv' for r in rows)


def test_csv_and_json_files(tmp_path):
    spec = dict(family='kaggle_pose', classes=list(CLASSES))
    write_results(str(tmp_path / 'r.csv'), [RECORD], spec)
    with open(tmp_path / 'r.csv', newline='') as f:
        (row, ) = list(csv.DictReader(f))
    assert row['pred_class'] == 'Fall' and row['prob_No_Fall'] == '0.3'
    summary = dict(files=1, records=1, windows=2, seconds=0.5,
                   windows_per_s=4.0, files_per_s=2.0, skipped=1)
    write_results(str(tmp_path / 'r.json'), [RECORD], spec, True, 'frame',
                  summary)
    data = json.loads((tmp_path / 'r.json').read_text())
    assert data['records'][0]['windows'][1]['start'] == 9
    assert data['window_unit'] == 'frame' and data['summary'] == summary
    assert summary_line(summary) == (
        '1 file(s), 1 record(s), 2 window(s) in 0.5 s: 4.0 windows/s, '
        '2.00 files/s; 1 skipped')


def test_ava_csv_has_every_class_of_every_box(tmp_path):
    record = dict(video='v', timestamp=3, x1=0.1, y1=0.2, x2=0.5, y2=0.9,
                  probs=[0.25, 0.75])
    assert write_ava_csv(str(tmp_path / 'a.csv'), [record], [7, 9]) == 2
    rows = read_predictions_csv(str(tmp_path / 'a.csv'))
    assert rows == [('v', 3, 0.1, 0.2, 0.5, 0.9, 7, 0.25),
                    ('v', 3, 0.1, 0.2, 0.5, 0.9, 9, 0.75)]
