"""Files written so that a reader finds the previous version or the new one,
never a part of it: a temporary file beside the target, fsynced, then renamed
over it (and the folder fsynced, so the rename survives a power cut).

A failed write (a full disk, a kill) leaves the previous file, or nothing
where there was none, and removes its temporary file. Used for every output
a user keeps: the final and exported models, JSON, reports and figures (the
checkpoints have the same guarantee through
:class:`~ftplugin.engine.FineTuneRunner`).
"""
import contextlib
import json
import os
import os.path as osp
import shutil
from typing import Any, Callable, Iterator


def temporary_path(path: str) -> str:
    """The hidden temporary name a write of ``path`` goes to first (in the
    same folder: a rename across file systems would not be atomic); it keeps
    the extension, for writers that choose the format by it."""
    name = osp.basename(path)
    return osp.join(osp.dirname(osp.abspath(path)),
                    f'.{name}.tmp-{os.getpid()}{osp.splitext(name)[1]}')


def fsync_dir(folder: str) -> None:
    """Persist a rename in ``folder`` (a no-op where folders cannot be
    opened, e.g. on Windows)."""
    try:
        fd = os.open(folder or '.', os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit(tmp: str, path: str) -> None:
    """fsync ``tmp``, rename it to ``path`` and persist the rename."""
    with open(tmp, 'rb') as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(osp.dirname(osp.abspath(path)))


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary path to write ``path`` through (for writers that
    take a file name: ``torch.onnx.export``, ``shutil.copyfile``, ...).

    On success the temporary file becomes ``path``; on any error it is
    removed and ``path`` is left as it was.
    """
    tmp = temporary_path(path)
    try:
        yield tmp
        commit(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_open(path: str, mode: str = 'w', **kwargs) -> Iterator[Any]:
    """``open(path, mode)`` (``'w'`` or ``'wb'``) through a temporary file.

    Args:
        path (str): The final file.
        mode (str): ``'w'`` (text) or ``'wb'``.
        **kwargs: Passed to :func:`open` (``encoding``, ``newline``).
    """
    if mode not in ('w', 'wb'):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', "
                         f'got {mode!r}')
    with atomic_path(path) as tmp:
        with open(tmp, mode, **kwargs) as f:
            yield f
            f.flush()


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_open(path, 'w') as f:
        f.write(text)


def atomic_write_json(path: str, obj: Any, **kwargs) -> None:
    """``json.dump(obj)`` to ``path`` atomically; ``kwargs`` as for
    :func:`json.dump` (``indent``, ``default``). The object is serialised
    before the file is touched, so an unserialisable one changes nothing."""
    atomic_write_text(path, json.dumps(obj, **kwargs))


def atomic_copy(src: str, dst: str) -> None:
    """``shutil.copyfile(src, dst)`` atomically."""
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)


def atomic_write_with(path: str, writer: Callable[[str], Any]) -> Any:
    """Call ``writer(tmp_path)`` and move its file to ``path`` atomically;
    returns what ``writer`` returns."""
    with atomic_path(path) as tmp:
        return writer(tmp)
