"""split_files: the ratio split and the stratified k folds."""
import pytest

from ftplugin.datasets.file_split import split_files

# 23 files of class 0 and 12 of class 1: folds cannot all be the same size
FILES = sorted([(f'a{i:02d}.csv', 0) for i in range(23)] +
               [(f'b{i:02d}.csv', 1) for i in range(12)])


def folds(k, seed, part):
    return [split_files(FILES, part, split_seed=seed, num_folds=k, fold=f)
            for f in range(k)]


@pytest.mark.parametrize('k', [2, 5])
def test_every_file_is_tested_once(k):
    tests = folds(k, 0, 'test')
    tested = [f for fold in tests for f in fold]
    assert sorted(tested) == FILES  # once each, none missing
    for fold, test in enumerate(tests):
        train = split_files(FILES, 'train', split_seed=0, num_folds=k,
                            fold=fold)
        val = split_files(FILES, 'val', split_seed=0, num_folds=k, fold=fold)
        # the model of a fold never sees its test files, not even to
        # choose its checkpoint
        assert not set(test) & set(train)
        assert not set(test) & set(val)
        assert not set(train) & set(val)
        assert sorted(train + val + test) == FILES
        assert 0 < len(val) < len(train)


def test_folds_are_stratified():
    for test in folds(5, 3, 'test'):
        per_class = [sum(label == c for _, label in test) for c in (0, 1)]
        # 23 / 5 and 12 / 5: each fold holds 4-5 and 2-3 of them
        assert 4 <= per_class[0] <= 5 and 2 <= per_class[1] <= 3


def test_folds_are_seeded():
    assert folds(5, 7, 'test') == folds(5, 7, 'test')
    assert folds(5, 7, 'test') != folds(5, 8, 'test')
    assert folds(5, 7, 'val') == folds(5, 7, 'val')


def test_ratio_split_is_unchanged_by_folds_support():
    # the default split the READMEs and checkpoints refer to
    parts = [split_files(FILES, p, split_seed=42)
             for p in ('train', 'val', 'test')]
    assert [len(p) for p in parts] == [8 + 16, 2 + 5, 2 + 2]
    assert sorted(sum(parts, [])) == FILES


@pytest.mark.parametrize('kwargs', [
    dict(num_folds=1), dict(num_folds=5, fold=5), dict(split='fold'),
    dict(split_ratios=(0.5, 0.5, 0.5))
])
def test_bad_split_arguments(kwargs):
    with pytest.raises(ValueError, match='fold|split'):
        split_files(FILES, **{'split': 'test', **kwargs})
