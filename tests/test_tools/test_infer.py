"""tools/infer.py on the session's kaggle_pose checkpoints: the output
columns, onnxruntime against torch, ensembles, plots, bad inputs."""
import csv
import json

import numpy as np
import pytest

pytestmark = pytest.mark.xdist_group('test_tool')

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def read_csv(path):
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    return rows


@pytest.fixture(scope='module')
def torch_run(trained_runs, run_tool, tool_cfg, tmp_path_factory):
    """infer.py on the generated folder, per file and per window."""
    out = tmp_path_factory.mktemp('infer_tool')
    files = out / 'files.csv'
    proc = run_tool(['tools/infer.py', tool_cfg.finetune,
                     trained_runs.best_ckpt, trained_runs.kaggle, '--out',
                     files, '--plot', out / 'plots'])
    windows = out / 'windows.csv'
    run_tool(['tools/infer.py', tool_cfg.finetune, trained_runs.best_ckpt,
              trained_runs.kaggle, '--out', windows, '--per-window',
              '--quiet'])
    return out, proc.stdout, read_csv(files), read_csv(windows)


def test_one_row_per_file_with_named_classes(torch_run, trained_runs):
    out, stdout, rows, _ = torch_run
    csvs = sorted(str(p) for p in trained_runs.kaggle.rglob('*.csv'))
    with_pose = [p for p in csvs if 'EMPTY' not in p]
    assert [r['file'] for r in rows] == with_pose
    assert list(rows[0])[:4] == ['file', 'pred_label', 'pred_class', 'score']
    for row in rows:
        probs = [float(row['prob_No_Fall']), float(row['prob_Fall'])]
        label = int(row['pred_label'])
        assert label == int(np.argmax(probs))
        assert row['pred_class'] == ('No_Fall', 'Fall')[label]
        assert float(row['score']) == pytest.approx(probs[label])
        assert row['num_windows'] == '5'
    # the header-only files are named in a warning, the rest summarised
    assert 'EMPTY' in stdout and 'holds no pose' in stdout
    summary = stdout.strip().splitlines()[-1]
    assert summary.startswith(f'{len(csvs)} file(s), {len(with_pose)} '
                              f'record(s), {5 * len(with_pose)} window(s)')
    assert 'windows/s' in summary


def test_per_window_rows_name_their_unit(torch_run):
    _, _, files, windows = torch_run
    assert list(windows[0])[:4] == ['file', 'window', 'start_frame',
                                    'end_frame']
    assert len(windows) == 5 * len(files)
    by_file = {}
    for row in windows:
        by_file.setdefault(row['file'], []).append(row)
    for row in files:
        falls = [float(w['prob_Fall']) for w in by_file[row['file']]]
        # the file is as fall-like as its most fall-like window
        assert float(row['prob_Fall']) == pytest.approx(max(falls))


def test_plot_writes_one_timeline_per_long_file(torch_run):
    """A timeline for each file whose windows lie at several places (those
    of a file shorter than one window all start at its first frame)."""
    out, stdout, _, windows = torch_run
    starts = {}
    for row in windows:
        starts.setdefault(row['file'], set()).add(row['start_frame'])
    long_files = [f for f, s in starts.items() if len(s) > 1]
    pngs = sorted((out / 'plots').glob('*.png'))
    assert 0 < len(pngs) == len(long_files)
    assert all(p.read_bytes()[:8] == PNG_MAGIC for p in pngs)
    assert f'timelines: {len(pngs)} PNG(s)' in stdout


@pytest.fixture(scope='module')
def exported(trained_runs, run_tool, tool_cfg, tmp_path_factory):
    out = tmp_path_factory.mktemp('infer_onnx')
    onnx_file = out / 'model.onnx'
    proc = run_tool(['tools/deployment/export_onnx.py', tool_cfg.finetune,
                     trained_runs.best_ckpt, '--output-file', onnx_file])
    assert 'model.onnx.json' in proc.stdout
    return onnx_file


def test_onnx_backend_agrees_with_torch(torch_run, exported, trained_runs,
                                       run_tool, tmp_path):
    sidecar = json.loads(exported.with_suffix('.onnx.json').read_text())
    assert sidecar['family'] == 'kaggle_pose'
    assert sidecar['classes'] == ['No_Fall', 'Fall']
    sample = next(t for t in sidecar['pipeline']
                  if t['type'] == 'SamplePoseWindows')
    assert sample['num_clips'] == 5
    out = tmp_path / 'windows.csv'
    run_tool(['tools/infer.py', '--onnx', exported, trained_runs.kaggle,
              '--out', out, '--quiet', '--per-window'])
    got, want = read_csv(out), torch_run[3]
    assert [r['file'] for r in got] == [r['file'] for r in want]
    assert [r['pred_label'] for r in got] == [r['pred_label'] for r in want]
    for g, w in zip(got, want):
        for key in ('prob_No_Fall', 'prob_Fall'):
            assert abs(float(g[key]) - float(w[key])) <= 1e-4


def test_onnx_without_its_sidecar_is_refused(exported, trained_runs,
                                            run_tool, tmp_path):
    alone = tmp_path / 'model.onnx'
    alone.write_bytes(exported.read_bytes())
    proc = run_tool(['tools/infer.py', '--onnx', alone, trained_runs.kaggle,
                     '--out', tmp_path / 'x.csv'], check=False)
    assert proc.returncode == 1
    assert 'model.onnx.json not found' in proc.stdout


def test_ensemble_of_two_checkpoints(trained_runs, run_tool, tool_cfg,
                                     repo_root, tmp_path):
    from ftplugin.apis import inference, init_model
    ckpts = sorted(trained_runs.finetune_dir.glob('epoch_*.pth'))
    files = sorted(trained_runs.kaggle.glob('No_Fall/Keypoints_CSV/S_*'))[:3]
    singles = [inference(init_model(str(repo_root / tool_cfg.finetune),
                                    str(c)), [str(f) for f in files])
               for c in ckpts]
    out = tmp_path / 'ensemble.json'
    run_tool(['tools/infer.py', tool_cfg.finetune, *files, '--out', out,
              '--quiet', '--checkpoints', *ckpts])
    result = json.loads(out.read_text())
    assert len(result['sources']) == 2
    for i, record in enumerate(result['records']):
        mean = np.mean([s[i]['probs'] for s in singles], 0)
        np.testing.assert_allclose(record['probs'], mean, atol=1e-6)
        assert record['pred_label'] == int(mean.argmax())
    assert result['summary']['records'] == 3


def test_bad_input_stops_naming_it_or_is_skipped(trained_runs, run_tool,
                                                 tool_cfg, tmp_path):
    bad = tmp_path / 'broken_keypoints.csv'
    bad.write_text('Frame,Keypoint,X,Y,Confidence\n1,Elbow,1,2,0.9\n')
    good = sorted(trained_runs.kaggle.glob('Fall/Keypoints_CSV/S_*'))[0]
    args = ['tools/infer.py', tool_cfg.finetune, trained_runs.best_ckpt,
            good, bad, '--out', tmp_path / 'out.csv', '--quiet']
    proc = run_tool(args, check=False)
    assert proc.returncode == 1
    assert 'broken_keypoints.csv' in proc.stdout
    assert "field Keypoint has unknown name(s) ['Elbow']" in proc.stdout
    assert '--skip-bad' in proc.stdout
    assert not (tmp_path / 'out.csv').exists()
    proc = run_tool(args + ['--skip-bad'])
    rows = read_csv(tmp_path / 'out.csv')
    assert [r['file'] for r in rows] == [str(good)]
    assert 'warning: skipped' in proc.stdout and '1 skipped' in proc.stdout


def test_checkpoint_that_does_not_fit_exits_naming_tensors(
        trained_runs, run_tool, tool_cfg, tmp_path):
    proc = run_tool(['tools/infer.py', tool_cfg.finetune,
                     trained_runs.pretrain_ckpt, trained_runs.kaggle,
                     '--out', tmp_path / 'out.csv'], check=False)
    assert proc.returncode == 1
    assert 'does not fit' in proc.stdout
    assert 'missing from the checkpoint: cls_head.classifier' in proc.stdout
