"""GUI benchmarks on the real main window, offscreen. Prints figures; asserts nothing.

    python benchmarks/gui_open.py FILE              # open + check: first rows, stalls, memory
    python benchmarks/gui_open.py FILE --edit       # also: text filter and re-check of one edit
    python benchmarks/gui_open.py FILE --sorted     # open with the table sorted by tokens
    python benchmarks/gui_open.py FILE --overview   # open with the Overview tab in front
    python benchmarks/gui_open.py FILE --busy       # another process keeps one core busy meanwhile
    python benchmarks/gui_open.py FILE --vs-validate  # also time `ftstudio validate` on FILE
    python benchmarks/gui_open.py --startup         # first painted window vs a bare PySide6 one

The file opens once the window has settled (its dictionary loaded in the background), as when a
writer picks a file a moment after the window appears.

open:     first_rows_s (open → first rows in the table, painted), all_checked_s (open → every
          line checked), max_stall_ms (longest gap between ticks of a 5 ms timer during load and
          check: how long the window could not react), max_stall_own_ms (the same, less the
          time the GUI thread was ready but waited for a core: the app's part of a stall on a
          shared machine; Linux only, else equal), peak_rss_mib, file_mib.
busy:     the same figures while another process spins on one core from before the file opens
          until every line is checked (as on a laptop with a browser or a build running);
          busy_cores says how many were kept busy.
vs-validate: validate_s (`ftstudio validate --json` on the same file, a separate process, after
          the window closed, under the same --busy load) and checked_vs_validate (all_checked_s ÷
          validate_s; target ≤ 1.3).
edit:     filter_ms (a word put into the filter at once, until the table has painted the rows
          found; median of three words), filter_typing_ms (median per letter after the first,
          typing "refund" letter by letter), filter_stall_ms (the longest the event loop went
          without running while filtering: searches of big files run in the background),
          sort_tokens_ms (sorting by tokens, until painted), only_errors_ms (the "with errors"
          filter, until painted),
          recheck_ms (one edit pushed on the undo stack, until the push returns: the time the
          window is taken), recheck_shown_ms (until the edit's new check result is there: it
          is computed on a worker).
startup:  app_first_paint_s and bare_first_paint_s (process start → first paint event), ratio
          (median of alternating pairs), app_complete_s (process start → the whole window built,
          after its first paint); a returning user's start (settings and window state exist).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def busy_core() -> subprocess.Popen[bytes]:
    """Another process that keeps one core fully busy until it is stopped."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def time_validate(path: Path, busy: bool) -> float:
    """Seconds `ftstudio validate --json` takes on `path` (with one core kept busy if asked)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "desktop_app.cli", "validate", str(path), "--json", "--quiet"]
    spinner = busy_core() if busy else None
    try:
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, capture_output=True, check=False)
        return time.perf_counter() - started
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()


def run_open(
    path: Path, edit: bool, sort: bool = False, overview: bool = False, busy: bool = False
) -> dict[str, float]:
    os.environ["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ftstudio-bench-")
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    from desktop_app import app as app_module
    from desktop_app.core.run_queue import queued_seconds
    from desktop_app.qt.gc_guard import MainThreadCollector

    app = app_module.create_application([])
    collector = MainThreadCollector(app)  # the app's own collection policy (app.main)
    window = app_module.build_window(app)
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    _wait_for_start_up(app)

    results: dict[str, float] = {"file_mib": path.stat().st_size / 1048576}
    gaps: list[float] = []
    last = [time.perf_counter()]

    worst = [0.0, 0.0]
    own_gaps: list[float] = []  # the same gaps less the time the thread waited for a core
    own_last = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        if gaps[-1] > worst[0]:
            worst[:] = [gaps[-1], last[0] - start]
        last[0] = now
        own = now - queued_seconds()
        own_gaps.append(own - own_last[0])
        own_last[0] = own

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)

    class PaintProbe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and "first_rows_s" not in results
                and window.examples_model is not None
                and window.examples_model.rowCount() > 0
            ):
                results["first_rows_s"] = time.perf_counter() - start
            return False

    probe = PaintProbe()
    window.examples_pane.table.viewport().installEventFilter(probe)

    def checked() -> bool:
        analysis = window.document.analysis
        return (
            not window.document.loading
            and analysis.enabled
            and not analysis.checking
            and analysis.checked_count == len(analysis.summaries)
        )

    def poll() -> None:
        if checked():
            results["all_checked_s"] = time.perf_counter() - start
            loop.quit()
        else:
            QTimer.singleShot(20, poll)

    if overview:  # the Overview tab in front: its counts and histogram follow the check
        window.side_tabs.setCurrentWidget(window.overview_pane)
    if sort:  # as a writer who sorted by length last time: rows and results arrive sorted
        from PySide6.QtCore import Qt

        window.examples_pane.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    spinner = busy_core() if busy else None
    try:
        start = time.perf_counter()
        last[0] = start
        own_last[0] = start - queued_seconds()
        ticker.start()
        window.files.open_path(path)
        QTimer.singleShot(20, poll)
        loop = QEventLoop()  # not app.exec(): QApplication.quit() would close the window
        loop.exec()
        ticker.stop()
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
    results["busy_cores"] = 1.0 if busy else 0.0
    results["max_stall_ms"] = max(gaps) * 1000 if gaps else 0.0
    results["worst_stall_at_s"] = worst[1]
    results["p99_stall_ms"] = sorted(gaps)[int(len(gaps) * 0.99)] * 1000 if gaps else 0.0
    results["max_stall_own_ms"] = max(own_gaps) * 1000 if own_gaps else 0.0
    results["rows"] = float(len(window.document.dataset))
    results["peak_rss_mib"] = _peak_rss_mib()
    if edit:
        results.update(_edit_scenario(app, window))
    window.document.undo_stack.setClean()
    window.close()
    collector.stop()
    return results


def _wait_for_start_up(app: Any, timeout_s: float = 10.0) -> None:
    """Let the window's start-up work end (the dictionary loads in the background) before the
    file opens, as when a writer picks a file a moment after the window appears."""
    from desktop_app.core.dataset.spelling import DEFAULT_LANGUAGE, loaded_speller

    deadline = time.perf_counter() + timeout_s
    while loaded_speller(DEFAULT_LANGUAGE) is None and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


class _FilterClock:
    """Times a text filter from the call to the table's first paint with its rows, and the
    longest the event loop went without running meanwhile (the search may run in the
    background: the window must stay responsive)."""

    def __init__(self, app: Any, pane: Any) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self.app, self.pane = app, pane
        self.changed = self.painted = False
        self.ticks: list[float] = []
        clock = self

        class Probe(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and clock.changed and not clock.painted:
                    QTimer.singleShot(0, clock._on_painted)  # once the paint is done
                return False

        self.probe = Probe()
        pane.table.viewport().installEventFilter(self.probe)
        pane.proxy.filter_changed.connect(self._on_changed)
        pane.proxy.layoutChanged.connect(self._on_changed)
        self.ticker = QTimer()
        self.ticker.setInterval(5)
        self.ticker.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def _on_changed(self) -> None:
        self.changed = True

    def _on_painted(self) -> None:
        self.painted = True
        self.loop.quit()

    def time(self, text: str) -> tuple[float, float]:
        """Seconds until the filtered rows were painted; the longest stall (s) meanwhile."""
        return self.time_action(lambda: self.pane.proxy.set_text(text))

    def time_action(self, action: Any) -> tuple[float, float]:
        """Seconds from `action()` until the table painted its outcome; the longest stall."""
        from PySide6.QtCore import QEventLoop, QTimer

        self.changed = self.painted = False
        self.ticks = []
        self.loop = QEventLoop()  # waits without using a core (the search needs both)
        give_up = QTimer.singleShot(30_000, self.loop.quit)
        self.ticker.start()
        start = time.perf_counter()
        self.ticks.append(start)
        action()
        if not self.painted:
            self.loop.exec()
        took = time.perf_counter() - start
        self.ticker.stop()
        del give_up
        if not self.painted:
            raise RuntimeError("the table did not show the outcome within 30 s")
        self.ticks.append(time.perf_counter())
        stall = max(b - a for a, b in itertools.pairwise(self.ticks))
        return took, stall


def _settle(app: Any, seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _edit_scenario(app: Any, window: Any) -> dict[str, float]:
    from PySide6.QtCore import Qt

    from desktop_app.qt.commands import SetValueCommand

    pane = window.examples_pane
    clock = _FilterClock(app, pane)
    _settle(app, 1.0)  # the search processes start once the check is done
    timings: list[float] = []
    stalls: list[float] = []
    for word in ("refund", "order please", "zebra"):
        took, stall = clock.time(word)
        timings.append(took)
        stalls.append(stall)
        clock.time("")
    typed: list[float] = []
    for end in range(1, len("refund") + 1):  # typing, one letter at a time
        took, stall = clock.time("refund"[:end])
        typed.append(took)
        stalls.append(stall)
    clock.time("")
    sorting, _ = clock.time_action(lambda: pane.proxy.sort(3, Qt.SortOrder.DescendingOrder))
    errors, _ = clock.time_action(lambda: pane.proxy.set_problem_filter("errors"))
    clock.time_action(lambda: pane.proxy.set_problem_filter(""))
    clock.time_action(lambda: pane.proxy.sort(-1))
    document = window.document
    dataset = document.dataset
    middle = len(dataset) // 2
    value = dataset.value(middle)
    rechecks: list[float] = []
    shown: list[float] = []
    for round_ in range(5):
        edited = json.loads(json.dumps(value))
        messages = edited.get("messages", [])
        if messages:
            messages[-1]["content"] = f"{messages[-1].get('content', '')} edit {round_}"
        t0 = time.perf_counter()
        document.undo_stack.push(SetValueCommand(dataset, middle, edited, "Edit"))
        rechecks.append(time.perf_counter() - t0)
        while document.analysis.results.current(middle) is None:  # the check runs on a worker
            app.processEvents()
        shown.append(time.perf_counter() - t0)
    return {
        "filter_ms": statistics.median(timings) * 1000,
        "filter_max_ms": max(timings) * 1000,
        "filter_typing_ms": statistics.median(typed[1:]) * 1000,  # letters after the first
        "filter_stall_ms": max(stalls) * 1000,
        "sort_tokens_ms": sorting * 1000,
        "only_errors_ms": errors * 1000,
        "recheck_ms": statistics.median(rechecks) * 1000,
        "recheck_shown_ms": statistics.median(shown) * 1000,
    }


_BARE = """
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1400, 860)
class P(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print(time.time() - t0, flush=True); QTimer.singleShot(0, app.quit); o.removeEventFilter(self)
        return False
p = P(); w.installEventFilter(p); w.show(); app.exec()
"""

_APP = """
import os, sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from desktop_app import app as app_module
app = app_module.create_application([])
w = app_module.build_window(app, deferred=True)  # exactly what finetune-studio does
def done():
    app_module.complete_window(w)
    print(time.time() - t0, flush=True)  # the whole window built
    QTimer.singleShot(0, w.close)
class P(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print(time.time() - t0, flush=True); QTimer.singleShot(0, done); o.removeEventFilter(self)
        return False
p = P(); w.installEventFilter(p); w.show(); app.exec()
"""


def run_startup(rounds: int = 11) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["PYTHONPATH"] = str(ROOT)
    # one app folder for every run: the warm-up run leaves settings and window state behind,
    # so the timed runs are a returning user's start (the very first start also greets them)
    env["FINETUNE_STUDIO_HOME"] = tempfile.mkdtemp(prefix="ftstudio-startup-")

    def measure(code: str) -> tuple[float, float]:
        out = subprocess.run(
            [sys.executable, "-c", code, repr(time.time())],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        lines = out.stdout.strip().splitlines()
        return float(lines[0]), float(lines[-1])

    measure(_BARE)  # warm the disk cache for both
    measure(_APP)
    # Bare and app runs alternate, so a busy moment on the machine hits both alike; the ratio
    # is the median of the pairs' ratios.
    bares, apps, completes, ratios = [], [], [], []
    for _ in range(rounds):
        bare_s, _ = measure(_BARE)
        app_s, complete_s = measure(_APP)
        bares.append(bare_s)
        apps.append(app_s)
        completes.append(complete_s)
        ratios.append(app_s / bare_s)
    bare, app, complete = (statistics.median(v) for v in (bares, apps, completes))
    return {
        "bare_first_paint_s": bare,
        "app_first_paint_s": app,
        "ratio": statistics.median(ratios),
        "app_complete_s": complete,  # panes, menus and models built, ready for a file
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--edit", action="store_true", help="also time filtering and a re-check")
    parser.add_argument("--startup", action="store_true", help="time startup to first paint")
    parser.add_argument(
        "--sorted", action="store_true", help="open with the table sorted by tokens"
    )
    parser.add_argument("--overview", action="store_true", help="open with the Overview tab shown")
    parser.add_argument(
        "--busy", action="store_true", help="keep one core busy with another process meanwhile"
    )
    parser.add_argument(
        "--vs-validate", action="store_true", help="also time ftstudio validate on the file"
    )
    args = parser.parse_args()
    if args.startup:
        for key, value in run_startup().items():
            print(f"{key}: {value:.3f}")
    if args.file:
        figures = run_open(args.file, args.edit, args.sorted, args.overview, args.busy)
        if args.vs_validate:
            figures["validate_s"] = time_validate(args.file, args.busy)
            figures["checked_vs_validate"] = figures["all_checked_s"] / figures["validate_s"]
        for key, value in figures.items():
            print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    if not args.startup and not args.file:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
