"""The command lines of tools/data/<family>/: each runs, with tiny sizes,
and writes what its family's dataset then reads (their logic is tested in
tests/test_testing/ and tests/test_datasets/test_converters/)."""
import pytest
import json

import numpy as np


def test_pose_generator_cli(run_tool, tmp_path, config_dataset):
    proc = run_tool(['tools/data/kaggle_pose/generate_pose_data.py',
                     '--out-dir', tmp_path, '--kth-videos', 6,
                     '--kaggle-per-class', 4, '--header-only', 0])
    assert 'Wrote 6 KTH pose files' in proc.stdout
    assert len(list((tmp_path / 'kth_poses').glob('*.npz'))) == 6
    dataset = config_dataset('configs/kaggle_pose/pose_ae_kaggle_finetune.py',
                             'train', tmp_path / 'kaggle_fall')
    assert len(dataset) > 0


def test_apple_watch_generator_cli(run_tool, tmp_path):
    run_tool(['tools/data/apple_watch/generate_apple_watch_data.py',
              '--out-dir', tmp_path, '--endomondo-workouts', 12,
              '--endomondo-users', 8, '--apple-watch-workouts', 10,
              '--quiet'])
    for name in ('endomondo', 'apple_watch'):
        meta = json.loads((tmp_path / name / 'metadata.json').read_text())
        assert sum(meta['sizes'].values()) == (12 if name == 'endomondo'
                                               else 10)
        for split in ('train', 'val', 'test'):
            assert (tmp_path / name / f'{split}.pt').is_file()


def test_butppg_generator_cli(run_tool, tmp_path):
    run_tool(['tools/data/butppg/generate_butppg_data.py', 'butppg',
              '--out-dir', tmp_path, '--train', 6, '--val', 0, '--test', 6,
              '--ecg-method', 'simple', '--quiet'])
    with np.load(tmp_path / 'train.npz') as data:
        assert data['signals'].shape == (6, 5, 1250)
    assert not (tmp_path / 'val.npz').exists()


@pytest.mark.slow
def test_thermal_generator_and_split_cli(run_tool, tmp_path, build_thermal):
    root = tmp_path / 'thermal_action_dataset'
    proc = run_tool(['tools/data/thermal/generate_thermal_data.py',
                     '--out-dir', root, '--sensors', 3, '--frames', 60,
                     '--keyframe-every', 10])
    assert 'from 3 recordings' in proc.stdout
    out = tmp_path / 'split'
    ann = root / 'annotations'
    proc = run_tool(['tools/data/thermal/split_thermal_by_sensor.py',
                     ann / 'train.json', ann / 'val.json', '--out-dir', out,
                     '--frames-dir', root / 'frames'])
    assert '3 sensor groups' in proc.stdout
    sides = {split: {img['sensor_id'] for img in json.loads(
        (out / f'{split}.json').read_text())['images']}
        for split in ('train', 'val')}
    assert sides['train'] and sides['val'] and not sides['train'] & \
        sides['val']
    assert len(build_thermal(root, ann=str(out / 'val.json'))) > 0
