"""The one worker abstraction: results, failures, cancel, progress, and shutdown waiting."""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.core.errors import UserFacingError
from desktop_app.qt.tasks import Cancelled, CancelToken, TaskRunner, Worker, WorkerSignals


def _double(value: int, *, cancel: CancelToken, progress) -> int:
    progress("half")
    return value * 2


def _fail(*, cancel: CancelToken, progress) -> None:
    raise UserFacingError("It broke.", "Try again.")


def _spin(started: threading.Event, *, cancel: CancelToken, progress) -> str:
    started.set()
    while True:
        cancel.raise_if_cancelled()
        time.sleep(0.005)


def test_result_and_progress_arrive_on_the_gui_thread(qtbot, pools: TaskRunner) -> None:
    signals = WorkerSignals()
    seen: list[object] = []
    threads: list[bool] = []

    def on_progress(value: object) -> None:
        seen.append(value)
        threads.append(threading.current_thread() is threading.main_thread())

    signals.progress.connect(on_progress)
    with qtbot.waitSignal(signals.succeeded, timeout=5000) as blocker:
        pools.run(_double, 21, signals=signals)
    assert blocker.args == [42]
    assert seen == ["half"] and all(threads)


def test_failure_is_reported_not_raised(qtbot, pools: TaskRunner) -> None:
    signals = WorkerSignals()
    with qtbot.waitSignal(signals.failed, timeout=5000) as blocker:
        pools.run(_fail, signals=signals)
    assert isinstance(blocker.args[0], UserFacingError)


def test_cancel_stops_the_worker(qtbot, pools: TaskRunner) -> None:
    started = threading.Event()
    signals = WorkerSignals()
    worker = pools.run(_spin, started, signals=signals)
    assert started.wait(5)
    assert pools.busy
    with qtbot.waitSignal(signals.cancelled, timeout=5000):
        worker.cancel()
    qtbot.waitUntil(worker.done.is_set, timeout=5000)
    assert pools.wait(5000)
    assert not pools.busy


def test_shutdown_cancels_and_waits(qapp) -> None:
    pools = TaskRunner()
    started = threading.Event()
    worker = pools.run(_spin, started)
    assert started.wait(5)
    assert pools.shutdown(5000)
    assert worker.done.is_set() and worker.token.cancelled


def test_writer_pool_runs_one_at_a_time(qtbot, pools: TaskRunner) -> None:
    active: list[int] = []
    peak: list[int] = []
    lock = threading.Lock()

    def job(*, cancel: CancelToken, progress) -> None:
        with lock:
            active.append(1)
            peak.append(len(active))
        time.sleep(0.02)
        with lock:
            active.pop()

    for _ in range(4):
        pools.run(job, writer=True)
    assert pools.wait(5000)
    assert max(peak) == 1


def test_cancelled_exception_is_a_cancel() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()
    worker = Worker(_double, 1)
    assert worker.autoDelete() is False
