"""tools/run_demo.py --quick for the kaggle_pose family (make demo).

It generates its data into the repository's data/demo (git-ignored) and
writes every run under --work-root (here pytest's tmp_path). About 50 s on
2 CPU cores, within the suite's budget.
"""
import json
import pickle
import re


def test_run_demo_quick_kaggle_pose(run_tool, tmp_path):
    work = tmp_path / 'demo'
    proc = run_tool(['tools/run_demo.py', '--quick', '--families',
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
