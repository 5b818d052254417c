"""The window never waits longer than 100 ms in normal use: opening, checking, editing, saving,
switching files. A 10 ms heartbeat timer on the GUI thread measures the longest gap between its
ticks; any wait or long piece of work on that thread shows up as a gap.

Where Linux tells (desktop_app/core/run_queue.py), the time the GUI thread was ready to run but
waited for a core is taken out of each gap: these tests share a busy machine, and a thread the
scheduler did not run for a while was not kept waiting by the app."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from window_helpers import close_window, is_checked, make_window

from PySide6.QtCore import QTimer

from desktop_app.core.run_queue import queued_seconds
from desktop_app.qt.commands import SetValueCommand

REPO = Path(__file__).resolve().parents[2]
LIMIT_MS = 100


class Heartbeat:
    """Ticks every 10 ms on the GUI thread; `longest_ms` is the largest gap between ticks."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.worst: str = ""
        self.step = "start"
        self._last = time.perf_counter() - queued_seconds()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter() - queued_seconds()  # the app's time, not the scheduler's
        gap = (now - self._last) * 1000
        if gap > self.longest_ms:
            self.longest_ms, self.worst = gap, self.step
        self._last = now

    def during(self, step: str) -> None:
        self.tick()  # a gap belongs to the step it happened in
        self.step = step

    def stop(self) -> None:
        self.tick()
        self.timer.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 realistic examples (about 10 MB: checked in processes, searched on disk)."""
    path = tmp_path_factory.mktemp("responsive") / "generated.jsonl"
    script = REPO / "benchmarks" / "generate_dataset.py"
    run = [sys.executable, str(script), "--examples", "5000", "--out", str(path)]
    subprocess.run(run, check=True, capture_output=True)
    return path


def _open(qtbot, window, beat: Heartbeat, path: Path) -> None:
    beat.during(f"opening {path.name}")
    window.open_path(path)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=30_000)
    beat.during(f"checking {path.name}")
    qtbot.waitUntil(lambda: is_checked(window), timeout=60_000)


def _edit_and_save(qtbot, window, beat: Heartbeat) -> None:
    document = window.document
    dataset, analysis = document.dataset, document.analysis
    row = len(dataset) // 2
    value = dataset.value(row)
    value["messages"][-1]["content"] = "Edited while the heartbeat listens."
    beat.during("editing")
    with qtbot.waitSignal(analysis.summaries_changed, timeout=10_000):
        document.undo_stack.push(SetValueCommand(dataset, row, value, "Edit"))
    qtbot.waitUntil(lambda: analysis.results.current(row) is not None, timeout=10_000)
    beat.during("saving")
    with qtbot.waitSignal(document.saved, timeout=30_000):
        window.files.save()
    assert not document.is_modified


def test_the_window_never_waits_long(qtbot, sample_file: Path, generated: Path) -> None:
    window = make_window(qtbot)
    beat = Heartbeat()
    try:
        for path in (sample_file, generated, sample_file):
            _open(qtbot, window, beat, path)
            _edit_and_save(qtbot, window, beat)
        beat.during("closing the window")
        close_window(window)
        qtbot.waitUntil(lambda: not window.pools.busy, timeout=30_000)
    finally:
        beat.stop()
    assert beat.longest_ms <= LIMIT_MS, f"{beat.longest_ms:.0f} ms while {beat.worst}"
