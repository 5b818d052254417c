"""Recovery copies of unsaved work, so a crash or a kill loses at most a few seconds of typing.

While a document has unsaved edits the app writes a recovery file (atomically) a few seconds after
the last edit: a first line naming the format, a JSON header line (original path, review data,
when, which process), then the dataset's exact bytes. A clean close or a save removes it. At the
next start, recovery files whose process is no longer running are offered back: the process holds
a lock file while it runs (alive_lock.py), which a process id alone cannot tell after a restart.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.dataset import alive_lock
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.files.folders import recovery_dir

MAGIC = b"FINETUNE-STUDIO-RECOVERY 1\n"
SUFFIX = ".ftrecovery"


class RecoveryError(UserFacingError):
    """A recovery file could not be read back."""


@dataclass(frozen=True, slots=True)
class RecoveryInfo:
    """What the restore dialog shows about one recovery file."""

    file: Path
    original_path: Path | None
    saved_at: float  # seconds since the epoch
    size: int  # bytes of dataset data
    pid: int
    suggested_path: Path | None = None  # the name it was to be saved under (a repaired file)
    alive_lock: str = ""  # the lock file its process held while it ran ("" in older copies)

    @property
    def title(self) -> str:
        named = self.original_path or self.suggested_path
        return named.name if named else "Untitled dataset"


@dataclass(frozen=True, slots=True)
class RecoveredDocument:
    original_path: Path | None
    data: bytes
    review: dict[str, Any] | None
    saved_at: float
    suggested_path: Path | None = None


def new_recovery_file() -> Path:
    """A fresh recovery file name for one open document."""
    return recovery_dir() / f"{uuid.uuid4().hex}{SUFFIX}"


def write_recovery(
    file: Path,
    chunks: Iterable[bytes],
    *,
    original_path: Path | None,
    review: dict[str, Any] | None,
    suggested_path: Path | None = None,
) -> None:
    """Write the recovery file atomically (a torn file is impossible)."""
    data = b"".join(chunks)
    header = {
        "schema_version": 1,
        "original_path": str(original_path) if original_path else None,
        "saved_at": time.time(),
        "pid": os.getpid(),
        "data_length": len(data),
        "review": review,
        "suggested_path": str(suggested_path) if suggested_path else None,
        "alive_lock": alive_lock.own_lock(file.parent),
    }
    line = json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n"
    write_atomic(file, [MAGIC, line, data])


def read_recovery(file: Path) -> RecoveredDocument:
    header, data = _read(file, with_data=True)
    return RecoveredDocument(
        original_path=_path(header.get("original_path")),
        data=data,
        review=header.get("review") if isinstance(header.get("review"), dict) else None,
        saved_at=float(header.get("saved_at", 0.0)),
        suggested_path=_path(header.get("suggested_path")),
    )


def read_info(file: Path) -> RecoveryInfo:
    header, _ = _read(file, with_data=False)
    return RecoveryInfo(
        file=file,
        original_path=_path(header.get("original_path")),
        saved_at=float(header.get("saved_at", 0.0)),
        size=int(header.get("data_length", 0)),
        pid=int(header.get("pid", 0)),
        suggested_path=_path(header.get("suggested_path")),
        alive_lock=str(header.get("alive_lock") or ""),
    )


def pending_recoveries(folder: Path | None = None) -> list[RecoveryInfo]:
    """Recovery files left by app processes that are no longer running, newest first."""
    folder = folder or recovery_dir()
    found: list[RecoveryInfo] = []
    for file in folder.glob(f"*{SUFFIX}"):
        try:
            info = read_info(file)
        except RecoveryError:
            continue  # a damaged copy is left in place; it is never offered half-read
        if info.pid != os.getpid() and not _still_running(folder, info):
            found.append(info)
    alive_lock.clear_stale(folder)
    return sorted(found, key=lambda i: i.saved_at, reverse=True)


def _still_running(folder: Path, info: RecoveryInfo) -> bool:
    """The lock file says; a copy without one (an older version's) is judged by process id."""
    held = alive_lock.is_held(folder, info.alive_lock) if info.alive_lock else None
    return held if held is not None else _process_running(info.pid)


def discard(file: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        file.unlink()


def _read(file: Path, *, with_data: bool) -> tuple[dict[str, Any], bytes]:
    try:
        with file.open("rb") as handle:
            magic = handle.readline()
            header_line = handle.readline()
            data = handle.read() if with_data else b""
    except OSError as exc:
        raise RecoveryError(
            "The recovery copy could not be read.",
            "It stays in the recovery folder; you can open it later.",
            technical=f"{type(exc).__name__}: {exc}",
        ) from exc
    try:
        header = json.loads(header_line) if magic == MAGIC else None
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise RecoveryError(
            "The recovery copy is damaged.",
            "It stays in the recovery folder and is not offered again.",
        )
    if with_data and len(data) != header.get("data_length"):
        raise RecoveryError(
            "The recovery copy is incomplete.",
            "It stays in the recovery folder; open your last saved file instead.",
        )
    return header, data


def _path(value: Any) -> Path | None:
    return Path(value) if isinstance(value, str) and value else None


def _process_running(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_process_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _windows_process_running(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    process_query_limited_information = 0x1000
    still_active = 259
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return bool(ok) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
