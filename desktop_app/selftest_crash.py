"""The self-test's crash check: a deliberate error inside a Qt slot must leave a crash report in
the log folder, and that report must hold no key.

It installs the app's own exception hook (`app.Hooks`, the crash reporter) with the dialog
suppressed, remembers a sentinel key the way `core.keys.secrets` remembers every key it hands out,
raises an error that quotes the sentinel (and a key-shaped text) from a slot Qt calls from its
event loop, and reads what was written. The sentinel comes from FINETUNE_STUDIO_SELFTEST_KEY
when set (packaging/smoke_test.py may pass its own and search the files afterwards), otherwise
it is made up for the run. It is never a real key: nothing reads the password store here.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

SENTINEL_ENV = "FINETUNE_STUDIO_SELFTEST_KEY"
CRASH_TIMEOUT_S = 20.0
WaitUntil = Callable[[Callable[[], bool], float], bool]  # selftest.wait_until


class DeliberateSelfTestError(RuntimeError):
    """The error the self-test raises on purpose."""


class _Trigger(QObject):
    """A signal connected (queued) to a slot that fails, so Qt itself calls the slot."""

    fire = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.fire.connect(self.fail, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def fail(self, text: str) -> None:
        raise DeliberateSelfTestError(text)


def sentinel_key() -> str:
    """The key the run must not leak: from the environment, or made up now (any shape)."""
    given = os.environ.get(SENTINEL_ENV, "").strip()
    return given or "selftest~" + secrets.token_urlsafe(18)


def check_crash_report(window: Any, wait_until: WaitUntil) -> str:
    """Raise inside a slot with the real hook installed; the report must exist and hold no key."""
    from desktop_app.core.files.folders import log_dir
    from desktop_app.core.keys.scrub import remember_key

    key = sentinel_key()
    shaped = "sk-selftest" + secrets.token_hex(12)  # found by its shape, never remembered
    remember_key(key)  # as core.keys.secrets does for every key it hands out
    folder = log_dir()
    before = set(folder.glob("crash-*.log"))
    _crash_in_a_slot(window, f"key {key}, header api_key={shaped}", (key, shaped), wait_until)
    written = sorted(set(folder.glob("crash-*.log")) - before)
    if len(written) != 1:
        raise _failure(f"expected one new crash report in {folder}, found {len(written)}")
    _inspect(written[0], (key, shaped))
    return f"an error in a slot wrote {written[0].name} to the log folder, without the key"


def _crash_in_a_slot(window: Any, text: str, keys: tuple[str, ...], wait_until: WaitUntil) -> None:
    """Install the app's hook (no dialog), fail in a slot, wait until the window side saw it."""
    from desktop_app.app import Hooks

    hooks = Hooks(show_dialog=False)
    hooks.window = window
    hooks.install()
    reporter = hooks.reporter
    trigger = _Trigger()
    try:
        with _captured_log() as lines:
            trigger.fire.emit(f"deliberate self-test error; {text}")
            if not wait_until(lambda: bool(reporter.handler.reports), CRASH_TIMEOUT_S):
                raise _failure(f"no crash was reported within {CRASH_TIMEOUT_S:.0f} s")
        if any(key in line for key in keys for line in lines):
            raise _failure("the log line about the crash holds the key")
        if not wait_until(lambda: reporter.handled >= 1, CRASH_TIMEOUT_S):
            raise _failure("the crash reached the log folder but not the window")
        if reporter.dialog is not None:
            raise _failure("the crash dialog opened although the self-test suppresses it")
    finally:
        hooks.restore()
        trigger.deleteLater()


def _inspect(report: Path, keys: tuple[str, ...]) -> None:
    """The report describes the deliberate error, hides the keys, and no log file holds them."""
    from desktop_app.core.keys.scrub import HIDDEN

    text = report.read_text(encoding="utf-8")
    if DeliberateSelfTestError.__name__ not in text:
        raise _failure(f"{report.name} does not describe the deliberate error")
    leaked = [p.name for p in report.parent.rglob("*") if p.is_file() and _holds(p, keys)]
    if leaked:
        raise _failure(f"a key was written to {', '.join(leaked)} in the log folder")
    if HIDDEN not in text:
        raise _failure(f"{report.name} does not show where the key was hidden")


@contextmanager
def _captured_log() -> Iterator[list[str]]:
    """The crash handler's log lines, kept here instead of reaching stderr (the smoke test
    reads stderr; no log file is set up in the self-test)."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    logger = logging.getLogger("desktop_app.core.files.crash")
    keep, propagate = Keep(), logger.propagate
    logger.addHandler(keep)
    logger.propagate = False
    try:
        yield lines
    finally:
        logger.removeHandler(keep)
        logger.propagate = propagate


def _holds(path: Path, keys: tuple[str, ...]) -> bool:
    data = path.read_bytes()
    return any(key.encode("utf-8") in data for key in keys)


def _failure(message: str) -> Exception:
    from desktop_app.selftest import SelfTestFailure

    return SelfTestFailure(message)
