"""tools/validate_data.py: every problem on a line of its own as an error or
a warning (the progress bar on stderr), a summary counting both, exit 1 on
errors only (``--strict``: on warnings too); what the config itself skips
is listed apart; the real data and the demo's generated data pass (a clean root's report:
tests/test_apis/test_data_validation.py)."""
import importlib.util
import shutil

import pytest

KAGGLE_CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'
THERMAL_CFG = 'configs/thermal/slowonly_r18_thermal_20e.py'


@pytest.fixture(scope='module')
def validate_data(repo_root):
    """The tool's module, run in this process (``main(argv)``)."""
    spec = importlib.util.spec_from_file_location(
        'validate_data', repo_root / 'tools' / 'validate_data.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def problem_lines(out):
    return [line for line in out.splitlines() if line.startswith('[')]


def test_exit_codes_and_report(generated_data, run_tool, tmp_path):
    root = tmp_path / 'kaggle_fall'
    shutil.copytree(generated_data / 'kaggle_fall', root)
    folder = root / 'Fall' / 'Keypoints_CSV'
    (folder / 'no_confidence.csv').write_text('Frame,Keypoint,X,Y\n'
                                              '0,Nose,1.0,2.0\n')
    (folder / 'binary.csv').write_bytes(b'\x00\xff\xfe' * 10)
    proc = run_tool(['tools/validate_data.py', KAGGLE_CFG, '--data-root',
                     root], check=False)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "no_confidence.csv: missing column(s) ['Confidence']" in \
        proc.stdout
    assert 'binary.csv' in proc.stdout
    assert 'problem(s) found' in proc.stdout


def test_the_demo_data_passes_naming_the_files_it_skips_as_configured(
        validate_data, generated_data, generated_sizes, capsys):
    """The generated Kaggle root holds header-only files on purpose; the
    config skips them (on_empty='skip'): listed, not counted, exit 0 even
    with --strict."""
    args = [KAGGLE_CFG, '--data-root', str(generated_data / 'kaggle_fall')]
    assert validate_data.main(args) == 0
    out, err = capsys.readouterr()
    lines = problem_lines(out)
    assert lines and all(' skipped as configured: ' in line and
                         'header only' in line for line in lines), out
    # the progress bar is on stderr, no problem shares its line
    assert 'elapsed' in err and 'elapsed' not in out
    summary = [line for line in out.splitlines() if ' sample(s)' in line]
    assert summary and all('0 error(s), 0 warning(s)' in line
                           for line in summary), out
    assert any('skip(s) as configured' in line for line in summary), out
    assert out.splitlines()[-1] == 'No problem found'
    assert validate_data.main(args + ['--strict']) == 0


def test_an_error_among_warnings_fails(validate_data, generated_data,
                                       tmp_path, capsys):
    root = tmp_path / 'kaggle_fall'
    shutil.copytree(generated_data / 'kaggle_fall', root)
    bad = root / 'No_Fall' / 'Keypoints_CSV' / 'bad.csv'
    bad.write_text('Frame,Keypoint,X,Y,Confidence\n1,Tail,1,2,0.9\n')
    code = validate_data.main([KAGGLE_CFG, '--data-root', str(root),
                               '--split', 'test', '--cfg-options',
                               'test_dataloader.dataset.split=all'])
    out = capsys.readouterr().out
    assert code == 1
    errors = [line for line in problem_lines(out) if ' error: ' in line]
    assert len(errors) == 1 and str(bad) in errors[0]
    assert '1 error(s)' in out.splitlines()[-1]


def test_the_real_thermal_data_passes(validate_data, shared_data, capsys):
    """Two recordings of the public copy are absent (skipped, as the config
    says: listed) and some classes have no sample in a split (warnings)."""
    code = validate_data.main([
        THERMAL_CFG, '--data-root',
        str(shared_data / 'thermal_action_dataset'), '--split', 'val'])
    out = capsys.readouterr().out
    assert code == 0, out[-3000:]
    lines = problem_lines(out)
    assert 'frames/SL06_R1.h5: 144 sample(s)' in out
    assert any('have no sample in this split' in line for line in lines)
    assert all(' warning: ' in line or ' skipped as configured: ' in line
               for line in lines), lines
    assert any('skipped as configured' in line and
               'sensor file(s) are missing' in line for line in lines), lines
