"""Whether the process that wrote a recovery copy still runs: a lock file it holds while it runs.

A process id alone misleads: after a power cut and a restart, the id of the app that died is
soon another program's, and its copy was never offered back; a killed process not yet reaped
still answers to its id. An exclusive lock (flock on Linux and macOS, a byte-range lock on
Windows) is let go by the system the moment its process ends, however it ends, and a restart
lets go of them all. Standard library only (fcntl / msvcrt).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import uuid
from pathlib import Path

PREFIX = "alive-"
SUFFIX = ".lock"
MOST_FOLDERS = 4  # the app has one recovery folder; a test run makes one per test
_held: dict[Path, tuple[Path, int]] = {}  # folder → this process's lock file and descriptor
_guard = threading.Lock()  # recovery copies are written on worker threads


def own_lock(folder: Path) -> str | None:
    """The name of the lock file this process holds in `folder` (made on first use), or None
    where the system cannot lock files there (the process id is all the copy then carries)."""
    with _guard:
        if folder not in _held:
            made = _make(folder)
            if made is None:
                return None
            if not _held:
                atexit.register(release_all)
            _held[folder] = made
            while len(_held) > MOST_FOLDERS:  # the oldest folder's lock goes (first in, first out)
                _release(*_held.pop(next(iter(_held))))
        return _held[folder][0].name


def is_held(folder: Path, name: str) -> bool | None:
    """True while the process that made lock file `name` runs, False once it has ended, None
    when that cannot be told (then ask by process id)."""
    if not name or Path(name).name != name or not name.startswith(PREFIX):
        return None
    try:
        fd = os.open(folder / name, os.O_RDWR)
    except FileNotFoundError:
        return False  # cleared away after its process ended
    except OSError:
        return None
    try:
        if not _try_lock(fd):
            return True
        _unlock(fd)
        return False
    except OSError:
        return None
    finally:
        os.close(fd)


def clear_stale(folder: Path) -> None:
    """Remove the lock files of processes that have ended (their copies stay, and are offered)."""
    for file in folder.glob(f"{PREFIX}*{SUFFIX}"):
        if is_held(folder, file.name) is False:
            with contextlib.suppress(OSError):
                file.unlink()


def release_all() -> None:
    """Let go of this process's locks and remove their files (a clean exit)."""
    with _guard:
        for path, fd in _held.values():
            _release(path, fd)
        _held.clear()


def _forget_in_child() -> None:
    """A forked child shares its parent's locks: it closes its copies (the parent's lock holds)
    and keeps the files, so the lock is let go when the parent ends, not when the child does."""
    for _path, fd in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):  # (not on Windows, which does not fork)
    os.register_at_fork(after_in_child=_forget_in_child)


def _release(path: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(OSError):
        path.unlink()


def _make(folder: Path) -> tuple[Path, int] | None:
    """Lock a new file under a passing name, then give it its real name: another process's
    clear_stale only ever sees lock files that are already held."""
    folder.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    passing = folder / f"making-{token}.tmp"
    final = folder / f"{PREFIX}{token}{SUFFIX}"
    try:
        fd = os.open(passing, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return None
    try:
        if not _try_lock(fd):
            raise OSError("the new lock file is locked already")
        os.replace(passing, final)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            passing.unlink()
        return None
    return final, fd


if sys.platform == "win32":  # pragma: no cover - Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
