"""StageSchedule: stage begins as epochs or fractions of the run, plateau
counting on a scripted metric sequence, caps, the resume state, and the
errors that name the config key."""
import pytest

from ftplugin.engine.stages import StageSchedule, epochs_of


def run(schedule, script, max_epochs):
    """Drive ``schedule`` as the hook does: before each epoch the due
    transitions, after it the validation. Returns the stage (1-based) of
    every epoch."""
    stages = []
    for epoch in range(max_epochs):
        while schedule.due(epoch):
            schedule.reset(schedule.index + 1, epoch)
        stages.append(schedule.index + 1)
        if schedule.monitor is not None:
            schedule.update(script[epoch], epoch + 1)
    return stages


def test_fractions_resolve_for_the_run_length():
    schedule = StageSchedule([dict(), dict(begin=1 / 6), dict(begin=0.75)])
    assert schedule.resolve(60) == []
    assert schedule.begins == [0, 10, 45]
    # 3 epochs: 1/6 rounds to 0 and 0.75 to 2: two stages never share one
    schedule.resolve(3)
    assert schedule.begins == [0, 1, 2]
    # 2 epochs: the third stage cannot run, and that is said
    notes = schedule.resolve(2)
    assert schedule.begins == [0, 1] and schedule.num_stages == 2
    assert notes and 'stages 3-3' in notes[0] and 'will not run' in notes[0]
    assert epochs_of(0.5, 7, 'x') == 4 and epochs_of(3, 7, 'x') == 3


def test_int_begins_are_exact_and_checked():
    schedule = StageSchedule([dict(begin=0), dict(begin=10)],
                             key='default_hooks.unfreeze')
    schedule.resolve(30)
    assert schedule.begins == [0, 10]
    with pytest.raises(ValueError) as error:
        schedule.resolve(3)
    message = str(error.value)
    assert 'default_hooks.unfreeze.stages.1.begin=10' in message
    assert 'train_cfg.max_epochs=3' in message and '\n' not in message
    with pytest.raises(ValueError, match='begins must increase'):
        StageSchedule([dict(), dict(begin=5), dict(begin=5)]).resolve(10)
    with pytest.raises(ValueError, match='a fraction of'):
        StageSchedule([dict(), dict(begin=1.5)]).resolve(10)
    with pytest.raises(ValueError, match='stages.0.begin is 2'):
        StageSchedule([dict(begin=2)])


def test_plateau_transition_on_a_scripted_sequence():
    # rule less, patience 2, min_delta 0.1: best 4.0 after epoch 2; 4.5 and
    # 3.95 (a gain of only 0.05) are two validations without improvement
    schedule = StageSchedule([dict(), dict(), dict()], monitor='loss',
                             rule='less', patience=2, min_delta=0.1)
    schedule.resolve(12)
    script = [5, 4, 4.5, 3.95, 3, 2, 2.05, 2.01, 1, 1, 1, 1]
    assert run(schedule, script, 12) == [1] * 4 + [2] * 4 + [3] * 4
    # the last stage never plateaus (early stopping's job)
    assert schedule.pending is None


def test_greater_rule_and_a_stage_without_plateau():
    schedule = StageSchedule(
        [dict(patience=None, max_epochs=2), dict(), dict()],
        monitor='acc', rule='greater', patience=1)
    schedule.resolve(8)
    # stage 1 ignores its falling accuracy and ends at its cap; stage 2
    # ends at the first validation without a gain
    assert run(schedule, [0.9, 0.1, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9], 8) == [
        1, 1, 2, 2, 3, 3, 3, 3]


def test_cap_as_a_fraction_and_the_first_reason_wins():
    schedule = StageSchedule([dict(max_epochs=0.25), dict(begin=0.5),
                              dict(begin=0.75)])
    schedule.resolve(8)
    assert schedule.caps == [2, None, None]
    assert schedule.begins == [0, 4, 6]
    # the cap ends stage 1 after 2 epochs (before stage 2's begin, a
    # latest start); stage 2 ends at stage 3's begin
    assert run(schedule, [1] * 8, 8) == [1, 1, 2, 2, 2, 2, 3, 3]


def test_best_of_stage_is_strict_and_per_stage():
    schedule = StageSchedule([dict(), dict()], monitor='acc',
                             rule='greater', patience=3, restore_best=True)
    schedule.resolve(10)
    assert schedule.update(0.5, 1) and not schedule.update(0.5, 2)
    assert schedule.update(0.7, 3)
    assert (schedule.best_score, schedule.best_epoch) == (0.7, 3)
    schedule.reset(1, 3)
    assert schedule.best_epoch is None and schedule.update(0.1, 4)


def test_state_round_trip():
    schedule = StageSchedule([dict(), dict(), dict()], monitor='loss',
                             rule='less', patience=2)
    schedule.resolve(12)
    run(schedule, [5, 4, 4.5, 4.2, 3, 3.5], 6)
    state = schedule.state_dict()
    other = StageSchedule([dict(), dict(), dict()], monitor='loss',
                          rule='less', patience=2)
    other.resolve(12)
    other.load_state_dict(state)
    assert other.state_dict() == state
    assert (other.index, other.start, other.wait) == (1, 4, 1)
    fewer = StageSchedule([dict(), dict(begin=3)])
    fewer.resolve(12)
    with pytest.raises(ValueError, match='written with 3 stages'):
        fewer.load_state_dict(state)


def test_every_stage_but_the_last_needs_an_end_and_a_monitor():
    with pytest.raises(ValueError, match='nothing ends this stage'):
        StageSchedule([dict(), dict()])
    with pytest.raises(ValueError, match='needs monitor='):
        StageSchedule([dict(), dict()], patience=2)
    with pytest.raises(ValueError, match='rule must be'):
        StageSchedule([dict(), dict()], monitor='acc', patience=2)


def test_ends_in_words():
    schedule = StageSchedule(
        [dict(max_epochs=5), dict(patience=None), dict(begin=0.5)],
        monitor='acc/top1',
        rule='greater', patience=3, min_delta=0.01, restore_best=True)
    schedule.resolve(20)
    first, second, last = (schedule.ends(i) for i in range(3))
    assert 'not better by more than 0.01 in 3 validations' in first
    assert '5 epochs in the stage' in first and 'best acc/top1' in first
    assert 'epoch 10 done (stage 3 begins at epoch 11)' in second
    assert last == 'the end of training (epoch 20)'
