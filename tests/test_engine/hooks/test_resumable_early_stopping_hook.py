"""ResumableEarlyStoppingHook on mmengine's toy runner: phase-aware with
staged unfreezing (counts anew in every stage, stops only in the last),
mmengine's behaviour without stages, and its counters through a
checkpoint."""
import types

from mmengine.testing import RunnerTestCase

from toy_runner import toy_cfg

from ftplugin.engine.hooks import ResumableEarlyStoppingHook

# worse after every validation of stage 1 (epochs 1-4), better once stage 2
# begins (epoch 5), worse again after
SCRIPT = [5, 6, 7, 8, 4, 5, 6, 7]
STAGES = dict(type='mmaction.StagedUnfreezeHook', stages=[
    dict(trainable=['linear2']), dict(begin=0.5, trainable=['*'])])


def stopping(**kwargs):
    return dict(type='mmaction.ResumableEarlyStoppingHook', monitor='score',
                rule='less', min_delta=0.0, patience=1, **kwargs)


class TestResumableEarlyStoppingHook(RunnerTestCase):

    def epochs_run(self, hooks) -> int:
        runner = self.build_runner(toy_cfg(self.epoch_based_cfg, SCRIPT,
                                           len(SCRIPT), hooks))
        runner.train()
        return runner.train_loop.epoch

    def test_does_not_end_the_run_in_its_first_stage(self):
        # phase-aware: stage 1's plateau is ignored; stage 2 counts from its
        # own first validation (4) and stops at the next worse one
        assert self.epochs_run([STAGES, stopping()]) == 6

    def test_without_phases_it_stops_in_stage_1(self):
        # the behaviour the phases replace: the run ends before stage 2
        assert self.epochs_run([STAGES, stopping(phase_aware=False)]) == 2

    def test_without_stages_it_is_mmengines(self):
        assert self.epochs_run([stopping()]) == 2


def test_counters_and_stage_go_through_the_checkpoint():
    hook = ResumableEarlyStoppingHook(monitor='score', rule='less')
    hook.best_score, hook.wait_count, hook.stage = 0.25, 3, 2
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    resumed = ResumableEarlyStoppingHook(monitor='score', rule='less')
    resumed.after_load_checkpoint(types.SimpleNamespace(_resume=True),
                                  checkpoint)
    assert (resumed.best_score, resumed.wait_count, resumed.stage) == (
        0.25, 3, 2)
    # load_from (not --resume) starts counting anew
    fresh = ResumableEarlyStoppingHook(monitor='score', rule='less')
    fresh.after_load_checkpoint(types.SimpleNamespace(_resume=False),
                                checkpoint)
    assert fresh.wait_count == 0 and fresh.stage is None
