"""What the first open of a session needs is prepared while the window is idle after start."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from window_helpers import close_window, make_window

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop_app.core.dataset import spelling
from desktop_app.ui.window_parts import WARM_UP_AFTER_MS


def test_the_dictionary_loads_a_moment_after_start(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spelling, "_SPELLERS", {})  # as in a new session: nothing loaded yet
    started = time.monotonic()
    window = make_window(qtbot)
    try:
        assert spelling.loaded_speller(spelling.DEFAULT_LANGUAGE) is None
        qtbot.waitUntil(
            lambda: spelling.loaded_speller(spelling.DEFAULT_LANGUAGE) is not None, timeout=20_000
        )
        assert (
            time.monotonic() - started >= 0.9 * WARM_UP_AFTER_MS / 1000
        )  # not while building (a coarse timer may fire 5 % early)
    finally:
        close_window(window)


def test_the_first_checks_code_is_imported_on_a_worker_a_moment_after_start(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.qt import analysis_store

    calls: list[tuple[float, bool]] = []
    real = analysis_store.warm_up_checking

    def spy(**task: object) -> None:
        calls.append((time.monotonic(), threading.current_thread() is threading.main_thread()))
        real(**task)

    monkeypatch.setattr(analysis_store, "warm_up_checking", spy)
    # windows of earlier tests are gone, so their start-up work cannot call the spy
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    started = time.monotonic()
    window = make_window(qtbot)
    try:
        qtbot.waitUntil(lambda: bool(calls), timeout=20_000)
        [(when, on_gui_thread)] = calls
        assert when - started >= 0.9 * WARM_UP_AFTER_MS / 1000 and not on_gui_thread
    finally:
        close_window(window)


def test_warming_up_imports_what_the_first_check_needs() -> None:
    code = (
        "import sys\n"
        "from desktop_app.qt.analysis_store import warm_up_checking\n"
        "names = ['desktop_app.core.analysis.process_checker', 'desktop_app.core.analysis.analyzer',"
        " 'multiprocessing.pool', 'multiprocessing.synchronize']\n"
        "before = [n in sys.modules for n in names]\n"
        "warm_up_checking()\n"
        "print(before, [n in sys.modules for n in names])\n"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert ran.stdout.strip() == "[False, False, False, False] [True, True, True, True]", ran.stderr
