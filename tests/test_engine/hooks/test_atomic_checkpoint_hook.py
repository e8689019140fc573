"""AtomicCheckpointHook + FineTuneRunner.save_checkpoint: a kill during a
save leaves every complete checkpoint and last_checkpoint on one; the run
resumes from it."""
import pytest
import os

from exact_resume import plugin_config

from ftplugin.checkpoint import safe_torch_load

# writes half of the epoch-2 checkpoint, then SIGKILLs its own process
KILL_DURING_SAVE = '''
import os
import signal

from mmengine.fileio.backends import LocalBackend

_put = LocalBackend.put


def put(self, obj, filepath):
    if 'epoch_2' in str(filepath) and os.environ.get('KILL_DURING_SAVE'):
        with open(filepath, 'wb') as f:
            f.write(obj[:len(obj) // 2])
            f.flush()
            os.fsync(f.fileno())
        os.kill(os.getpid(), signal.SIGKILL)
    return _put(self, obj, filepath)


LocalBackend.put = put
'''


@pytest.mark.slow
def test_kill_during_save_then_resume(repo_root, generated_data, run_tool,
                                      tmp_path):
    cfg = plugin_config(repo_root, tmp_path,
                        'configs/kaggle_pose/pose_ae_kaggle_finetune.py',
                        'kill_during_save', KILL_DURING_SAVE,
                        # from random weights: the test has no pretraining
                        'load_cfg = None\n')
    plugin = tmp_path / 'plugin'
    data = generated_data / 'kaggle_fall'
    work = tmp_path / 'work'
    command = [
        'tools/train.py', cfg, '--work-dir', work, '--seed', '0',
        '--cfg-options', 'train_cfg.max_epochs=3',
        'train_dataloader.batch_size=16',
        'default_hooks.checkpoint.max_keep_ckpts=1'] + [
            f'{s}_dataloader.dataset.data_root={data}'
            for s in ('train', 'val', 'test')]
    env = dict(PYTHONPATH=os.pathsep.join([str(repo_root), str(plugin)]))
    killed = run_tool(command, env=dict(env, KILL_DURING_SAVE='1'),
                      check=False)
    assert killed.returncode == -9, killed.stdout[-3000:]
    # the truncated file never got a checkpoint's name; the older one,
    # beyond max_keep_ckpts=1, was not removed before the new one existed
    assert not (work / 'epoch_2.pth').exists()
    assert (work / 'last_checkpoint').read_text().strip() == str(
        work / 'epoch_1.pth')
    assert safe_torch_load(str(work / 'epoch_1.pth'))['meta']['epoch'] == 1
    resumed = run_tool(command[:4] + ['--resume'] + command[4:], env=env)
    assert 'resumed epoch: 1' in resumed.stdout
    assert (work / 'last_checkpoint').read_text().strip() == str(
        work / 'epoch_3.pth')
    assert safe_torch_load(str(work / 'epoch_3.pth'))['meta']['epoch'] == 3
    # max_keep_ckpts=1 holds once the new files are complete; no leftovers
    assert sorted(p.name for p in work.glob('epoch_*.pth')) == [
        'epoch_3.pth']
    assert not list(work.glob('.*.tmp-*')), 'temporary files left behind'
