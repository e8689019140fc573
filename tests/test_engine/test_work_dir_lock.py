"""engine.work_dir_lock: one training per work dir, tested with two
processes: another process holding the lock refuses a second training (the
runner's train(), here), naming its PID and host; once that process is
killed its stale lock is taken over with a log line."""
import json
import os
import signal
import socket
import subprocess
import sys

import pytest
from mmengine.config import Config

from ftplugin.engine.work_dir_lock import (LOCK_NAME, WorkDirInUseError,
                                           WorkDirLock)
from ftplugin.utils import build_runner, set_data_root

# the other process: takes the lock and waits (the module is loaded from its
# file: importing ftplugin would take most of the test's time)
HOLDER = '''
import importlib.util, sys
spec = importlib.util.spec_from_file_location('lock', sys.argv[1])
lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock)
lock.WorkDirLock(sys.argv[2]).acquire()
print('locked', flush=True)
sys.stdin.read()
'''


@pytest.fixture
def holder(repo_root, tmp_path):
    """A process that holds the lock of ``tmp_path/work``."""
    work = tmp_path / 'work'
    proc = subprocess.Popen(
        [sys.executable, '-c', HOLDER,
         str(repo_root / 'ftplugin' / 'engine' / 'work_dir_lock.py'),
         str(work)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True)
    try:
        assert proc.stdout.readline().strip() == 'locked'
        yield proc, work
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_a_second_training_on_a_work_dir_in_use_is_refused(
        holder, repo_root, generated_data, tmp_path):
    proc, work = holder
    cfg = Config.fromfile(
        str(repo_root / 'configs/kaggle_pose/pose_ae_kth_pretrain.py'))
    set_data_root(cfg, str(generated_data / 'kth_poses'))
    cfg.work_dir = str(work)
    runner = build_runner(cfg)
    with pytest.raises(WorkDirInUseError) as info:
        runner.train()
    message = str(info.value)
    assert (f'{work} is in use by another training (PID {proc.pid} on '
            f'{socket.gethostname()}') in message
    assert 'use another --work-dir' in message
    assert not list(work.glob('*.pth'))
    # the holder's lock is left as it was
    owner = json.loads((work / LOCK_NAME).read_text())
    assert owner['pid'] == proc.pid


def test_a_stale_lock_is_taken_over_with_a_log_line(holder):
    proc, work = holder
    with pytest.raises(WorkDirInUseError):
        WorkDirLock(str(work)).acquire()
    os.kill(proc.pid, signal.SIGKILL)  # dies holding the lock
    proc.wait()
    assert (work / LOCK_NAME).is_file()
    lines = []
    lock = WorkDirLock(str(work), log=lines.append).acquire()
    assert len(lines) == 1
    assert (f'taking over the lock of a training that no longer runs (PID '
            f'{proc.pid} on {socket.gethostname()}') in lines[0]
    owner = json.loads((work / LOCK_NAME).read_text())
    assert owner['pid'] == os.getpid()
    lock.release()
    assert not (work / LOCK_NAME).exists()


def test_one_process_cannot_hold_it_twice(tmp_path):
    with WorkDirLock(str(tmp_path)):
        with pytest.raises(WorkDirInUseError, match=f'PID {os.getpid()}'):
            WorkDirLock(str(tmp_path)).acquire()
    assert not (tmp_path / LOCK_NAME).exists()
    with WorkDirLock(str(tmp_path)):  # free again
        pass


def test_a_lock_of_another_host_is_refused_naming_the_file(tmp_path):
    (tmp_path / LOCK_NAME).write_text(json.dumps(
        dict(pid=1234, host='some-other-host', started='2026-01-01')))
    with pytest.raises(WorkDirInUseError) as info:
        WorkDirLock(str(tmp_path)).acquire()
    assert 'on host some-other-host (PID 1234' in str(info.value)
    assert f'delete {tmp_path / LOCK_NAME} once that run is over' in str(
        info.value)


def test_a_half_written_lock_is_stale(tmp_path):
    """A run killed while creating its lock left it empty."""
    (tmp_path / LOCK_NAME).write_text('')
    lines = []
    with WorkDirLock(str(tmp_path), log=lines.append):
        assert json.loads((tmp_path / LOCK_NAME).read_text())['pid'] == (
            os.getpid())
    assert len(lines) == 1
