"""The one task runner: results, failures, cancel, progress, owners, lanes, shutdown waiting."""

from __future__ import annotations

import threading
import time

import pytest

from PySide6.QtCore import QCoreApplication, QObject

from desktop_app.core.errors import UserFacingError
from desktop_app.qt.tasks import (
    WINDOW_LANES,
    Cancelled,
    CancelToken,
    TaskRunner,
    Worker,
    WorkerSignals,
)


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


def _wait_for(release: threading.Event, *, cancel: CancelToken, progress) -> str:
    """Ends only when the test releases it (it ignores its cancel token, as a slow call does)."""
    progress("started")
    release.wait(10)
    progress("late")
    return "late"


def test_a_gone_owners_tasks_are_cancelled_and_what_they_report_is_dropped(qtbot, pools) -> None:
    owner = QObject()
    release = threading.Event()
    received: list[object] = []
    signals = WorkerSignals()
    for signal in (signals.progress, signals.succeeded, signals.cancelled, signals.finished):
        signal.connect(lambda *args: received.append(args))  # not a slot of the owner
    with qtbot.waitSignal(signals.started, timeout=5000):
        worker = pools.run(_wait_for, release, owner=owner, signals=signals)
    qtbot.waitUntil(lambda: received == [("started",)], timeout=5000)
    with qtbot.waitSignal(owner.destroyed, timeout=5000):
        owner.deleteLater()
    assert worker.token.cancelled and worker.abandoned
    assert pools.busy  # still kept alive until it ends
    release.set()
    qtbot.waitUntil(worker.done.is_set, timeout=5000)
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert received == [("started",)]


def test_one_owners_cancel_and_wait_leave_the_others_running(qtbot, pools) -> None:
    first, second = QObject(), QObject()
    started_first, started_second = threading.Event(), threading.Event()
    worker_first = pools.run(_spin, started_first, owner=first)
    worker_second = pools.run(_spin, started_second, owner=second)
    assert started_first.wait(5) and started_second.wait(5)
    pools.cancel_all(owner=first)
    assert pools.wait(5000, owner=first) and worker_first.done.is_set()
    assert not pools.busy_for(first) and pools.busy_for(second)
    assert not worker_second.token.cancelled and not worker_second.done.is_set()
    pools.cancel_all(owner=second)
    assert pools.wait(5000, owner=second)


def test_call_delivers_to_the_given_slots_and_an_unstarted_call_runs_nothing(qtbot, pools) -> None:
    owner = QObject()
    results: list[object] = []
    steps: list[object] = []
    pools.call(_double, 4, owner=owner, succeeded=results.append, progress=steps.append)
    qtbot.waitUntil(lambda: results == [8], timeout=5000)
    assert steps == ["half"]
    unstarted = pools.call(_double, 5, owner=owner, succeeded=results.append, start=False)
    assert not pools.busy_for(owner) and not unstarted.done.is_set()
    assert results == [8]


def test_a_documents_wait_does_not_wait_for_network_calls(qtbot, pools) -> None:
    release = threading.Event()
    signals = WorkerSignals()
    with qtbot.waitSignal(signals.started, timeout=5000):
        worker = pools.run(_wait_for, release, lane="network", signals=signals)
    try:
        assert pools.wait(5000, lanes=WINDOW_LANES)
        assert not worker.done.is_set()
    finally:
        release.set()
    assert pools.wait(5000)
