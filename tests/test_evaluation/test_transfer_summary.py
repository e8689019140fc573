"""summarize_transfer: paired seeds, verdict from the spread."""
import pytest

from ftplugin.evaluation import summarize_transfer


def test_clear_gain_and_spread():
    s = summarize_transfer({0: 0.90, 1: 0.88, 2: 0.91},
                           {0: 0.80, 1: 0.79, 2: 0.83}, 'acc/top1')
    assert s['verdict'] == 'helped'
    assert s['difference'] == pytest.approx(0.09)
    assert s['pretrained']['mean'] == pytest.approx(0.8966667)
    assert s['std'] > 0 and '3 paired seed(s)' in s['text']


def test_hurt_like_the_kaggle_study():
    # the original project's numbers: 82.5 % fine-tuned, 87.6 % scratch
    s = summarize_transfer({0: 83.98, 1: 79.48, 2: 84.0},
                           {0: 88.09, 1: 88.69, 2: 85.99}, 'accuracy')
    assert s['verdict'] == 'hurt' and s['difference'] < 0


def test_noise_is_no_clear_difference_and_errors_flip():
    s = summarize_transfer({0: 0.8, 1: 0.7}, {0: 0.75, 1: 0.76}, 'acc')
    assert s['verdict'] == 'no clear difference'
    lower = summarize_transfer({0: 5.0, 1: 5.2, 2: 4.9},
                               {0: 7.0, 1: 7.1, 2: 6.8}, 'hr/mse',
                               higher_is_better=False)
    assert lower['verdict'] == 'helped'
    assert summarize_transfer({0: 1.0}, {0: 0.5}, 'acc')['verdict'] == \
        'no clear difference'  # one seed: no spread, no verdict
    with pytest.raises(ValueError, match='no seed'):
        summarize_transfer({0: 1.0}, {1: 1.0}, 'acc')
