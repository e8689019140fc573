"""One training per work dir: a lock file holding the PID and the host of the
run that owns the folder.

Two trainings started on one ``--work-dir`` would overwrite each other's
checkpoints and ``last_checkpoint`` and log into one folder. The lock is
created with ``O_CREAT | O_EXCL`` (atomic on local file systems and NFSv3+);
a lock left by a process of this host that no longer runs (a kill, a power
cut) is taken over, and the log says so. A lock of another host cannot be
checked from here: it is refused, naming the file to delete once that run is
known to be over.
"""
import errno
import json
import os
import os.path as osp
import socket
import time
from typing import Callable, Optional

LOCK_NAME = '.ftplugin_train.lock'


class WorkDirInUseError(RuntimeError):
    """Another training runs in the work dir."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user
    return True


class WorkDirLock:
    """The training lock of ``work_dir`` (a context manager).

    Args:
        work_dir (str): The run's folder (created if needed).
        log (callable, optional): Called with the line that says a stale
            lock was taken over.
    """

    def __init__(self, work_dir: str,
                 log: Optional[Callable[[str], None]] = None) -> None:
        self.work_dir = work_dir
        self.path = osp.join(work_dir, LOCK_NAME)
        self.log = log or (lambda line: None)
        self.held = False

    def _owner(self) -> Optional[dict]:
        try:
            with open(self.path) as f:
                owner = json.load(f)
            return owner if isinstance(owner, dict) else {}
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # half-written by a run killed while creating it

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY,
                         0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, 'w') as f:
            json.dump(dict(pid=os.getpid(), host=socket.gethostname(),
                           started=time.strftime('%Y-%m-%d %H:%M:%S')), f)
            f.flush()
            os.fsync(f.fileno())
        return True

    def acquire(self) -> 'WorkDirLock':
        """Take the lock, or raise :class:`WorkDirInUseError`."""
        os.makedirs(self.work_dir, exist_ok=True)
        for _ in range(3):  # another process may take over a stale lock too
            if self._create():
                self.held = True
                return self
            owner = self._owner()
            if owner is None:
                continue  # released meanwhile
            pid, host = owner.get('pid'), owner.get('host')
            here = socket.gethostname()
            if isinstance(pid, int) and host == here and (
                    pid == os.getpid() or _pid_alive(pid)):
                raise WorkDirInUseError(
                    f'{self.work_dir} is in use by another training (PID '
                    f'{pid} on {host}, started {owner.get("started")}, '
                    f'lock {self.path}): use another --work-dir, or wait '
                    f'for that run to end')
            if host not in (None, here) and isinstance(pid, int):
                raise WorkDirInUseError(
                    f'{self.work_dir} is in use by a training on host '
                    f'{host} (PID {pid}, started {owner.get("started")}), '
                    f'which cannot be checked from {here}: use another '
                    f'--work-dir, or delete {self.path} once that run is '
                    f'over')
            self.log(f'{self.path}: taking over the lock of a training that '
                     f'no longer runs (PID {pid} on {host}, started '
                     f'{owner.get("started")})')
            try:
                os.remove(self.path)
            except FileNotFoundError:
                pass
        raise WorkDirInUseError(f'{self.path}: could not take the lock '
                                f'(other processes keep taking it)')

    def release(self) -> None:
        """Remove the lock if this process holds it."""
        if not self.held:
            return
        self.held = False
        owner = self._owner()
        if owner and owner.get('pid') == os.getpid():
            try:
                os.remove(self.path)
            except OSError as err:
                if err.errno != errno.ENOENT:
                    raise

    def __enter__(self) -> 'WorkDirLock':
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
