"""Atomic file writes: a crash mid-save leaves the old file or the new one, never a torn one."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from desktop_app.core.errors import DatasetSaveError

_MKSTEMP_PART = re.compile(r"[a-z0-9_]{8}")  # the random part of a tempfile.mkstemp name


STALE_TEMPORARY_SECONDS = (
    900  # a save still writing after 15 minutes was killed: its file is debris
)


def temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temporaries(path: Path, *, older_than: float = STALE_TEMPORARY_SECONDS) -> int:
    """Delete the temporary files interrupted saves of `path` left (`.NAME.*.tmp`, this app's own
    naming) once they are older than `older_than` seconds; a save running now is left alone.
    Returns how many were removed."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    prefix = temporary_prefix(path)
    removed = 0
    now = time.time()
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return 0
    for name in names:
        middle = name[len(prefix) : -len(".tmp")]
        if not _MKSTEMP_PART.fullmatch(middle):
            continue  # not a name tempfile.mkstemp makes: not ours
        candidate = folder / name
        with contextlib.suppress(OSError):
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                candidate.unlink()
                removed += 1
    return removed


def write_atomic(path: Path, chunks: Iterable[bytes]) -> os.stat_result:
    """Write `chunks` to `path` through a temporary file in the same folder, fsync, rename.

    Returns the written file's status (taken before the rename, which keeps it), so a caller
    can later tell whether the file is still the one it wrote."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temporary_prefix(path), suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _save_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            written = os.fstat(handle.fileno())
        _copy_mode(path, tmp_name)
        os.replace(tmp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise _save_error(path, exc) from exc
    _fsync_dir(folder)
    return written


def _copy_mode(original: Path, tmp_name: str) -> None:
    try:
        mode = original.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.chmod(tmp_name, mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _save_error(path: Path, exc: OSError) -> DatasetSaveError:
    name = path.name
    if exc.errno == errno.ENOSPC:
        message = f"“{name}” could not be saved because the disk is full."
        step = "Free some space or save to another drive. Your edits are kept in the app."
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = f"“{name}” could not be saved because you do not have permission to write there."
        step = "Use Save As to pick a folder you can write to. Your edits are kept in the app."
    elif exc.errno == errno.ENOENT:
        message = f"“{name}” could not be saved because its folder no longer exists."
        step = "Use Save As to pick another folder. Your edits are kept in the app."
    else:
        message = f"“{name}” could not be saved ({exc.strerror or 'the system refused the write'})."
        step = "Try again, or use Save As to save a copy elsewhere. Your edits are kept in the app."
    return DatasetSaveError(message, step, technical=f"{type(exc).__name__}: {exc}")
