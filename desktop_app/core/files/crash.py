"""Unexpected errors: a scrubbed crash report, written to a log file, handed to whoever shows it.

`CrashHandler.install()` takes over `sys.excepthook` and `threading.excepthook` (and gives them
back on `uninstall()`). For each unexpected exception it builds a report (what, where, the
traceback), removes anything that looks like an API key, plus the keys it is told about, writes
it to `log_dir()/crash-<time>.log`, and calls `on_crash(report)`; the Qt layer shows a dialog.
No Qt here.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.files.folders import log_dir
from desktop_app.core.keys.scrub import HIDDEN, scrub

__all__ = ["HIDDEN", "CrashHandler", "CrashReport", "build_report", "scrub", "write_crash_log"]

KEEP_CRASH_LOGS = 20

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


@dataclass(frozen=True, slots=True)
class CrashReport:
    """One unexpected error, already scrubbed."""

    when: str
    summary: str  # "ValueError in the main thread" — never the message or traceback
    details: str  # version, platform, thread, the exception and its traceback
    log_file: Path | None = None

    def with_log_file(self, path: Path | None) -> CrashReport:
        return CrashReport(self.when, self.summary, self.details, path)


def build_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    thread_name: str | None = None,
    secrets: Iterable[str] = (),
) -> CrashReport:
    from desktop_app import __version__

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    thread = thread_name or threading.current_thread().name
    where = "the main thread" if thread == "MainThread" else f"the background thread “{thread}”"
    trace = "".join(traceback.format_exception(exc_type, exc, tb))
    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "from source"
    details = (
        f"Finetune Studio {__version__} ({frozen})\n"
        f"Python {platform.python_version()} on {platform.platform()}\n"
        f"Time: {when}\n"
        f"Thread: {thread}\n\n"
        f"{trace}"
    )
    return CrashReport(when, f"{exc_type.__name__} in {where}", scrub(details, list(secrets)))


def write_crash_log(report: CrashReport, folder: Path | None = None) -> Path:
    """Write the report to crash-<time>.log in the log folder; keep the newest few."""
    folder = folder or log_dir()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}.log"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"crash-{stamp}-{counter}.log"
    write_atomic(path, [report.details.encode("utf-8")])
    _prune(folder)
    return path


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob("crash-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in logs[KEEP_CRASH_LOGS:]:
        with contextlib.suppress(OSError):
            old.unlink()


class CrashHandler:
    """Routes unexpected exceptions (main and background threads) to a report and a callback.

    on_crash runs in the thread that failed; a GUI must marshal it to the main thread.
    secrets returns the keys known right now (for example the current API key) to hide.
    """

    def __init__(
        self,
        on_crash: Callable[[CrashReport], None] | None = None,
        secrets: Callable[[], Iterable[str]] = tuple,
        folder: Path | None = None,
    ) -> None:
        self.on_crash = on_crash
        self.secrets = secrets
        self.folder = folder
        self.reports: list[CrashReport] = []
        self._previous_sys: Callable[..., object] | None = None
        self._previous_threading: Callable[..., object] | None = None

    def install(self) -> None:
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        sys.excepthook = self.on_exception
        threading.excepthook = self.on_thread_exception

    def uninstall(self) -> None:
        if self._previous_sys is not None:
            sys.excepthook = self._previous_sys
        if self._previous_threading is not None:
            threading.excepthook = self._previous_threading
        self._previous_sys = self._previous_threading = None

    def on_exception(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.handle(exc_type, exc, tb)

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else None
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, thread_name=name)

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        *,
        thread_name: str | None = None,
    ) -> CrashReport:
        try:
            secrets = list(self.secrets())
        except Exception:  # noqa: BLE001 - a failing secrets lookup must not hide the crash
            secrets = []
        report = build_report(exc_type, exc, tb, thread_name=thread_name, secrets=secrets)
        with contextlib.suppress(OSError):  # no log folder: the dialog still offers "Copy details"
            report = report.with_log_file(write_crash_log(report, self.folder))
        self.reports.append(report)
        # the log gets one line (the traceback is in the scrubbed report only)
        logging.getLogger(__name__).error("%s; report: %s", report.summary, report.log_file)
        if self.on_crash is not None:
            self.on_crash(report)
        return report
