"""fit_schedulers: a schedule written for a longer run keeps its shape in a
short one (warm-up then cosine, plateau windows, milestones), one that fits
is left alone, and one that cannot be scaled is refused naming the key."""
import pytest

from ftplugin.engine.stages import fit_schedulers

WARMUP_COSINE = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=10, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=90, eta_min=1e-4, by_epoch=True,
         begin=10, end=100)]


def test_a_schedule_that_fits_is_left_alone():
    out, notes = fit_schedulers(WARMUP_COSINE, 100, 700, 7)
    assert out == WARMUP_COSINE and notes == []
    plateau = [dict(type='ReduceOnPlateauLR', monitor='acc', by_epoch=True)]
    assert fit_schedulers(plateau, 1, 7, 7) == (plateau, [])


def test_warmup_and_cosine_scaled_to_20_epochs():
    (warmup, cosine), notes = fit_schedulers(WARMUP_COSINE, 20, 140, 7)
    # the warm-up: 2 of 20 epochs, in iterations as mmengine converts it
    assert (warmup['by_epoch'], warmup['begin'], warmup['end']) == (
        False, 0, 14)
    assert 'convert_to_iter_based' not in warmup
    # the cosine from the warm-up's end to the run's end, T_max its window
    assert (cosine['begin'], cosine['end'], cosine['T_max']) == (2, 20, 18)
    assert 'written for 100' in notes[0] and 'scaled by 0.2' in notes[0]
    assert any('CosineAnnealingLR' in n and '-> [2, 20)' in n
               for n in notes)


@pytest.mark.parametrize('epochs', [1, 2, 3])
def test_every_scheduler_begins_and_ends_inside_a_short_run(epochs):
    (warmup, cosine), _ = fit_schedulers(WARMUP_COSINE, epochs, epochs * 7,
                                         7)
    assert 0 <= warmup['begin'] < warmup['end'] <= epochs * 7
    assert 0 <= cosine['begin'] < cosine['end'] <= epochs
    if epochs > 1:  # room for both: the cosine after the warm-up
        assert cosine['begin'] * 7 >= warmup['end']


def test_chained_plateau_windows_stay_chained():
    windows = [dict(type='ReduceOnPlateauLR', by_epoch=True, end=10),
               dict(type='ReduceOnPlateauLR', by_epoch=True, begin=10,
                    end=60)]
    (first, second), _ = fit_schedulers(windows, 6, 60, 10)
    assert (first.get('begin', 0), first['end']) == (0, 1)
    assert (second['begin'], second['end']) == (1, 6)


def test_milestones_of_an_iteration_schedule():
    multistep = [dict(type='MultiStepLR', by_epoch=False,
                      milestones=[50000, 70000], gamma=0.1, begin=0,
                      end=90000)]
    (out, ), _ = fit_schedulers(multistep, None, 90, None)
    assert out['milestones'] == [50, 70] and out['end'] == 90
    (out, ), _ = fit_schedulers(multistep, None, 2, None)
    assert all(1 <= m <= 2 for m in out['milestones'])


def test_an_open_scheduler_beyond_the_run_is_refused_naming_the_key():
    tail = [dict(type='LinearLR', by_epoch=True, end=10),
            dict(type='ReduceOnPlateauLR', by_epoch=True, begin=10)]
    with pytest.raises(ValueError) as error:
        fit_schedulers(tail, 3, 30, 10)
    message = str(error.value)
    assert 'param_scheduler.1.begin' in message and '\n' not in message
