"""The app's one exception hook: a crash anywhere (a Qt slot, a background thread) writes a
scrubbed crash report, forces a recovery copy of unsaved work, and shows the crash dialog."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from window_helpers import close_window, make_window, open_and_check

from PySide6.QtCore import QTimer

from desktop_app.app import Hooks
from desktop_app.core.dataset import recovery
from desktop_app.qt.commands import SetValueCommand

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
KEY = "sk-proj-crashhook0123456789abcdef"


def test_one_hook_reports_slot_and_thread_crashes_with_a_recovery_copy(
    qtbot, sample_file: Path, app_home: Path
) -> None:
    window = make_window(qtbot)
    open_and_check(qtbot, window, sample_file)
    document = window.document
    document._autosave_seconds = 3600  # no ordinary autosave during the test
    document.undo_stack.push(SetValueCommand(document.dataset, 0, {"messages": []}, "Edit"))
    edited = document.dataset.to_bytes()
    assert not document.recovery_file.exists()
    hooks = Hooks()
    hooks.window = window
    before = (sys.excepthook, threading.excepthook)
    hooks.install()
    try:
        handler = hooks.reporter.handler
        assert sys.excepthook == handler.on_exception  # one hook, the crash reporter's
        assert threading.excepthook == handler.on_thread_exception

        def slot_fails() -> None:
            raise RuntimeError(f"a slot failed with {KEY}")

        QTimer.singleShot(0, slot_fails)
        qtbot.waitUntil(lambda: hooks.reporter.dialog is not None, timeout=10_000)
        dialog = hooks.reporter.dialog
        assert dialog.isVisible() and "Your work is safe" in dialog.message.text()
        assert document.recovery_file.exists()  # written at crash time, before the dialog
        assert recovery.read_recovery(document.recovery_file).data == edited
        dialog.close()

        worker = threading.Thread(target=lambda: 1 / 0, name="poll-worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(handler.reports) == 2, timeout=10_000)
    finally:
        hooks.restore()
    assert (sys.excepthook, threading.excepthook) == before
    reports = sorted((app_home / "logs").glob("crash-*.log"))
    assert len(reports) == 2
    texts = [p.read_text(encoding="utf-8") for p in reports]
    assert any("slot_fails" in t for t in texts) and any("poll-worker" in t for t in texts)
    assert all(KEY not in t for t in texts)
    close_window(window)
