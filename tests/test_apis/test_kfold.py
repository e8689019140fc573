"""ftplugin.apis.kfold: fold configs, summary, and a tiny study."""
import json

import pytest
from mmengine.config import Config

from ftplugin.apis.kfold import fold_config, run_kfold, summarize

SCRATCH_CFG = 'configs/kaggle_pose/pose_ae_kaggle_scratch.py'


def test_fold_config_sets_every_loader(repo_root, tmp_path):
    cfg = Config.fromfile(str(repo_root / SCRATCH_CFG))
    # a wrapped training set is followed
    cfg.train_dataloader.dataset = dict(type='RepeatDataset', times=2,
                                        dataset=cfg.train_dataloader.dataset)
    out = fold_config(cfg, 5, 3, 7, str(tmp_path), data_root='/data/x')
    inner = out.train_dataloader.dataset.dataset
    for dataset, split in ((inner, 'train'),
                           (out.val_dataloader.dataset, 'val'),
                           (out.test_dataloader.dataset, 'test')):
        assert (dataset.split, dataset.num_folds, dataset.fold,
                dataset.split_seed, dataset.data_root) == (
                    split, 5, 3, 7, '/data/x')
    assert out.randomness.seed == 7
    assert out.work_dir == str(tmp_path)
    assert out.default_hooks.history is None
    # the original config is untouched
    assert cfg.test_dataloader.dataset.split == 'test'
    assert 'num_folds' not in cfg.test_dataloader.dataset


def run(seed, fold, preds):
    files = [dict(filename=f'{seed}-{fold}-{i}', label=1, pred=p)
             for i, p in enumerate(preds)]
    return dict(seed=seed, fold=fold, files=files,
                accuracy=sum(preds) / len(preds))


def test_summary_pools_each_seed():
    runs = [run(0, 0, [1, 1, 0, 0]), run(0, 1, [1, 1]),
            run(1, 0, [1, 1, 1, 1]), run(1, 1, [0, 1])]
    summary = summarize(runs)
    assert summary['fold_accuracy_mean'] == pytest.approx(
        (0.5 + 1 + 1 + 0.5) / 4)
    # pooled over the files of a seed, not the mean of its folds
    assert summary['pooled_accuracy_per_seed'] == {'0': 4 / 6, '1': 5 / 6}
    assert summary['files_per_seed'] == {'0': 6, '1': 6}


def test_tiny_study_tests_every_file_once(repo_root, generated_data,
                                          tmp_path):
    cfg = Config.fromfile(str(repo_root / SCRATCH_CFG))
    cfg.train_cfg.max_epochs = 1
    cfg.default_hooks.logger.interval = 100
    result = run_kfold(
        cfg, num_folds=2, seeds=[3], work_dir=str(tmp_path),
        data_root=str(generated_data / 'kaggle_fall'),
        test_variants=dict(clips_max=dict(sampling='clips', num_clips=2,
                                          average_clips='max')))
    csvs = sorted(str(p) for p in (generated_data / 'kaggle_fall').glob(
        '*/Keypoints_CSV/*.csv') if 'EMPTY' not in p.name)
    for runs in ([r['files'] for r in result['runs']],
                 [r['variants']['clips_max']['files']
                  for r in result['runs']]):
        tested = sorted(f['filename'] for files in runs for f in files)
        assert tested == csvs  # every file once, by a model that never saw it
    assert [r['fold'] for r in result['runs']] == [0, 1]
    for r in result['runs']:
        # the rows of the config's own test are its metrics' rows, not
        # overwritten by a variant's
        assert r['metrics']['acc/top1'] == pytest.approx(r['accuracy'])
    main = [f['score'] for r in result['runs'] for f in r['files']]
    variant = [f['score'] for r in result['runs']
               for f in r['variants']['clips_max']['files']]
    assert main != variant
    written = json.loads((tmp_path / 'kfold.json').read_text())
    assert written['summary']['files_per_seed'] == {'3': len(csvs)}
    assert 'clips_max' in written['summary']['variants']
    assert (tmp_path / 'kfold.png').read_bytes()[:4] == b'\x89PNG'
    # a finished run is read back, not trained again
    again = run_kfold(cfg, num_folds=2, seeds=[3], work_dir=str(tmp_path),
                      data_root=str(generated_data / 'kaggle_fall'))
    assert again['summary']['pooled_accuracy_mean'] == written['summary'][
        'pooled_accuracy_mean']
