"""The app, as it runs, through normal use while a heartbeat listens (run by test_responsive.py).

    python tests/ui/responsive_run.py FILE...

Builds the window as `finetune-studio` does (its own collector policy included), then for each
file: opens it, waits until every line is checked, edits a line and waits for its new result,
saves and waits until saved; then closes the window (not timed). A 10 ms timer on the GUI thread notes the
longest wait: the gap between its ticks beyond its own 10 ms, less the time the thread was ready but waited for a core
(desktop_app/core/run_queue.py). Prints one JSON line: {"longest_ms": ..., "step": ...}.

A process of its own because a test process is not the app: pytest's own objects made each full
cycle collection on the GUI thread take 60–110 ms there, against under 20 ms in the app.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TIMEOUT_S = 120
INTERVAL_MS = 10  # the heartbeat: a gap longer than this is time the window could not answer
Wait = Callable[[Callable[[], bool], str], None]


class Heartbeat:
    def __init__(self, queued: Callable[[], float]) -> None:
        from PySide6.QtCore import QTimer

        self.queued = queued
        self.longest_ms, self.worst, self.step = 0.0, "", "start"
        self._last = time.perf_counter() - queued()
        self.timer = QTimer()
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter() - self.queued()  # the app's time, not the scheduler's
        gap = (now - self._last) * 1000 - INTERVAL_MS  # the tick was due after its interval
        if gap > self.longest_ms:
            self.longest_ms, self.worst = gap, self.step
        self._last = now

    def during(self, step: str) -> None:
        self.tick()  # a gap belongs to the step it happened in
        self.step = step


def edit_and_save(window: Any, beat: Heartbeat, wait: Wait, command: Any) -> None:
    """Edit the middle line, wait for its new check result, then save and wait for that."""
    document = window.document
    name = document.display_name
    row = len(document.dataset) // 2
    value = document.dataset.value(row)
    value["messages"][-1]["content"] = "Edited while the heartbeat listens."
    beat.during(f"editing {name}")
    document.undo_stack.push(command(document.dataset, row, value, "Edit"))
    wait(lambda: document.analysis.results.current(row) is not None, "the edit's check")
    beat.during(f"saving {name}")
    saved: list[object] = []
    document.saved.connect(saved.append)
    window.files.save()
    wait(lambda: bool(saved), "the save")


def main(paths: list[Path]) -> int:
    os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ftstudio-responsive-")
    from PySide6.QtCore import QEventLoop

    from desktop_app import app as app_module
    from desktop_app.core.run_queue import queued_seconds
    from desktop_app.qt.commands import SetValueCommand
    from desktop_app.qt.gc_guard import MainThreadCollector

    app = app_module.create_application([])
    collector = MainThreadCollector(app)
    window = app_module.build_window(app)
    window.resize(1400, 860)  # as on a big screen (offscreen's is 800×800), as gui_open.py
    window.show()

    def wait(done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not done():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)

    def checked() -> bool:
        document = window.document
        analysis = document.analysis
        return (
            not document.loading
            and analysis.enabled
            and not analysis.checking
            and not analysis.rechecking
            and analysis.checked_count == len(analysis.summaries)
            and bool(analysis.dataset_problems())
        )

    wait(lambda: window.completed, "the window")
    beat = Heartbeat(queued_seconds)
    for path in paths:
        beat.during(f"opening and checking {path.name}")
        window.files.open_path(path)
        wait(checked, f"{path.name} to be checked")
        edit_and_save(window, beat, wait, SetValueCommand)
    beat.during("done")
    beat.timer.stop()
    window.document.undo_stack.setClean()
    window.close()  # (quitting is not timed: the window is gone by then)
    collector.stop()
    print(json.dumps({"longest_ms": round(beat.longest_ms, 1), "step": beat.worst}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main([Path(p) for p in sys.argv[1:]]))
