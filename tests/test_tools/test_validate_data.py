"""tools/validate_data.py: every defect printed with its file, exit 1 (a
clean root's report: tests/test_apis/test_data_validation.py)."""
import shutil

CFG = 'configs/kaggle_pose/pose_ae_kaggle_finetune.py'


def test_exit_codes_and_report(generated_data, run_tool, tmp_path):
    root = tmp_path / 'kaggle_fall'
    shutil.copytree(generated_data / 'kaggle_fall', root)
    folder = root / 'Fall' / 'Keypoints_CSV'
    (folder / 'no_confidence.csv').write_text('Frame,Keypoint,X,Y\n'
                                              '0,Nose,1.0,2.0\n')
    (folder / 'binary.csv').write_bytes(b'\x00\xff\xfe' * 10)
    proc = run_tool(['tools/validate_data.py', CFG, '--data-root', root],
                    check=False)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "no_confidence.csv: missing column(s) ['Confidence']" in \
        proc.stdout
    assert 'binary.csv' in proc.stdout
    assert 'problem(s) found' in proc.stdout


def test_generated_root_passes_naming_the_skipped_files(generated_data,
                                                         run_tool):
    """The generator's header-only files are skipped as the config asks
    (on_empty='skip'): named, exit 0."""
    proc = run_tool(['tools/validate_data.py', CFG, '--data-root',
                     generated_data / 'kaggle_fall', '--split', 'train'],
                    check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert 'skipped as configured' in proc.stdout
    assert 'header only' in proc.stdout
    assert 'No problem found' in proc.stdout
