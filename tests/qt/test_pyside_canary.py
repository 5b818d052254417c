"""Canary for the PySide6 pin (pyproject.toml, CONTRIBUTING.md "The PySide6 pin").

PySide6 6.12.0 on CPython 3.11 returns `True` from `Signal.emit()` and `None` from calls made on
pool threads without taking a reference: the counts fall by one per call until the interpreter
aborts. The pinned release keeps them steady. This test makes thousands of such calls and fails
if either count fell (on 3.12+ the singletons are immortal and their counts never move).
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

CALLS = 5_000
# Other code running in the process may hold or drop a few references in the meantime; a leak
# on every call moves the counts by thousands.
TOLERANCE = 200


class _Emitter(QObject):
    fired = Signal(int)


class _Task(QRunnable):
    def __init__(self, done: list[int], lock: threading.Lock) -> None:
        super().__init__()
        self._done = done
        self._lock = lock

    def run(self) -> None:
        with self._lock:
            self._done.append(1)
        return None


def _counts() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(None)


def test_emitting_signals_keeps_the_reference_counts(qapp) -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    before = _counts()
    for n in range(CALLS):
        emitter.fired.emit(n)
    after = _counts()
    assert len(received) == CALLS
    assert after[0] >= before[0] - TOLERANCE, f"True's count fell from {before[0]} to {after[0]}"
    assert after[1] >= before[1] - TOLERANCE, f"None's count fell from {before[1]} to {after[1]}"


def test_pool_tasks_keep_the_reference_counts(qapp, qtbot) -> None:
    pool = QThreadPool()
    done: list[int] = []
    lock = threading.Lock()
    tasks = [_Task(done, lock) for _ in range(CALLS)]
    for task in tasks:
        task.setAutoDelete(False)
    before = _counts()
    for task in tasks:
        pool.start(task)
    qtbot.waitUntil(lambda: len(done) == CALLS, timeout=60_000)
    assert pool.waitForDone(60_000)
    after = _counts()
    assert after[0] >= before[0] - TOLERANCE, f"True's count fell from {before[0]} to {after[0]}"
    assert after[1] >= before[1] - TOLERANCE, f"None's count fell from {before[1]} to {after[1]}"
