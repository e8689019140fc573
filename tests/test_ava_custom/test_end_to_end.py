"""ava_custom end to end on generated data: train, test --dump, export."""
import json
import pickle

import numpy as np
import pytest

from ftplugin.datasets.ava_custom_format import read_predictions_csv
from ftplugin.datasets.ava_custom_synthetic import generate_ava_custom

CFG = 'configs/ava_custom/slowonly_r18_ava_custom_thermal_cpu.py'


@pytest.fixture(scope='module')
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp('ava_custom')
    counts = generate_ava_custom(str(root), num_videos=4, num_val_videos=1,
                                 seconds=4, fps=8, dialect='alphaction')
    return root, counts


def test_train_test_dump_csv_and_export(generated, run_tool, tmp_path):
    root, counts = generated
    options = [f'{s}_dataloader.dataset.data_root={root}'
               for s in ('train', 'val', 'test')] + [
        'model.cls_head.num_classes=4', 'train_cfg.max_epochs=1',
        'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.persistent_workers=False']
    work = tmp_path / 'work'
    run_tool(['tools/train.py', CFG, '--work-dir', work, '--seed', '0',
              '--cfg-options'] + options)
    best = sorted(work.glob('best_mAP_overall_*.pth'))
    assert best, list(work.iterdir())
    dump = work / 'pred.pkl'
    run_tool(['tools/test.py', CFG, best[0], '--work-dir', work, '--dump',
              dump, '--cfg-options'] + options)
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    assert len(results) == counts['val']
    boxes = np.asarray(results[0]['pred_instances']['bboxes'])
    scores = np.asarray(results[0]['pred_instances']['scores'])
    # the 0.3-scored false detection is below the box threshold
    assert boxes.shape == (2, 4) and scores.shape == (2, 4)
    assert (boxes >= 0).all() and (boxes <= 1).all()
    rows = read_predictions_csv(str(work / 'pred.csv'))
    assert len(rows) == sum(
        len(r['pred_instances']['bboxes']) * 4 for r in results)
    assert {r[6] for r in rows} == {1, 2, 3, 4}  # the original class ids
    metrics = json.loads((work / 'test_metrics.json').read_text())
    assert 0 <= metrics['mAP/overall'] <= 1
    onnx_file = tmp_path / 'det.onnx'
    out = run_tool(['tools/deployment/export_onnx.py', CFG, best[0],
                    '--output-file', onnx_file, '--verify', '--cfg-options',
                    'model.cls_head.num_classes=4']).stdout
    assert '"passed": true' in out, out[-2000:]
