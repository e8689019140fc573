"""demo/run_demo.py --quick for each family (what make demo runs).

It generates its data into the repository's data/demo (git-ignored) and
writes every run under --work-root (here pytest's tmp_path). About 50 s for
kaggle_pose and 30-45 s for each other family on 2 CPU cores. Not to be run
while a full `make demo` is running: both write data/demo.
"""
import json
import pickle
import re

import pytest


@pytest.mark.slow
def test_run_demo_quick_kaggle_pose(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_tool(['demo/run_demo.py', '--quick', '--families',
                     'kaggle_pose', '--work-root', work], timeout=500)
    for step in range(1, 6):
        assert f'kaggle_pose {step}/5' in proc.stdout
    reports = list(work.rglob('test_metrics.json'))
    assert len(reports) == 1
    ft = reports[0].parent
    metrics = json.loads(reports[0].read_text())
    (dump, ) = ft.glob('*.pkl')
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    acc = sum(int(r['pred_label']) == int(r['gt_label'])
              for r in results) / len(results)
    assert abs(metrics['acc/top1'] - acc) < 1e-9
    assert re.search(rf'test accuracy\s+{metrics["acc/top1"]:.4f}',
                     proc.stdout)
    history = json.loads((ft / 'training_history.json').read_text())
    epochs = [h['epoch'] for h in history]
    assert epochs and epochs == list(range(1, len(epochs) + 1))
    assert len(list(ft.glob('best_acc_top1_epoch_*.pth'))) == 1
    (onnx_file, ) = ft.glob('*.onnx')
    assert onnx_file.stat().st_size > 0
    assert list(work.rglob('best_recon_mse_epoch_*.pth'))
    # the demo ends with a report per training run, and says where
    report = ft / 'report' / 'report.md'
    assert '](confusion_matrix.png)' in report.read_text()
    assert f"{'report':<19} {report}" in proc.stdout


@pytest.mark.parametrize('family, metric', [
    ('apple_watch', 'test MAE'),
    ('butppg', 'test accuracy'),
    ('thermal', 'val acc/mean_class'),
])
@pytest.mark.slow
def test_run_demo_quick_other_families(run_tool, tmp_path, family, metric):
    """Every step of each family's demo runs, in order, and leaves a test
    report, a dump and an ONNX model that passed its parity check."""
    work = tmp_path / 'demo'
    proc = run_tool(['demo/run_demo.py', '--quick', '--families', family,
                     '--work-root', work], timeout=500)
    steps = re.findall(rf'=== {family} (\d+)/(\d+): .*: done in',
                       proc.stdout)
    total = int(steps[0][1])
    assert [int(s) for s, _ in steps] == list(range(1, total + 1))
    assert 'onnxruntime vs torch' in proc.stdout
    assert '"passed": true' in proc.stdout
    (report, ) = work.rglob('test_metrics.json')
    metrics = json.loads(report.read_text())
    assert metrics
    assert list(work.rglob('*.pkl'))
    (onnx_file, ) = work.rglob('*.onnx')
    assert onnx_file.stat().st_size > 0
    results = proc.stdout[proc.stdout.rindex('Results'):]
    assert re.search(rf'\n\s+{re.escape(metric)}\s+\S', results)
