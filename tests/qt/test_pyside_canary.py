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
BATCH = 50
# Other code running in the process may hold or drop a few references in the meantime; a leak on
# every call moves them by one per call. Checked after every batch, so a leaking release fails
# here before the interpreter aborts.
TOLERANCE = 25


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


def _assert_steady(before: tuple[int, int], after: tuple[int, int]) -> None:
    assert after[0] >= before[0] - TOLERANCE, f"True's count fell from {before[0]} to {after[0]}"
    assert after[1] >= before[1] - TOLERANCE, f"None's count fell from {before[1]} to {after[1]}"


def test_emitting_signals_keeps_the_reference_counts(qapp) -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    for start in range(0, CALLS, BATCH):
        before = _counts()
        for n in range(start, start + BATCH):
            emitter.fired.emit(n)
        _assert_steady(before, _counts())
    assert len(received) == CALLS


def test_pool_tasks_keep_the_reference_counts(qapp) -> None:
    pool = QThreadPool()
    done: list[int] = []
    lock = threading.Lock()
    tasks = [_Task(done, lock) for _ in range(CALLS)]
    for task in tasks:
        task.setAutoDelete(False)
    for start in range(0, CALLS, BATCH):
        before = _counts()
        for task in tasks[start : start + BATCH]:
            pool.start(task)
        assert pool.waitForDone(60_000)
        _assert_steady(before, _counts())
    assert len(done) == CALLS
