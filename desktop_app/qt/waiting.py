"""Waiting for background work without freezing the window.

Where the window must have an answer before it goes on (closing with Save, quitting while a save
runs), it runs a local event loop instead of blocking: the window keeps painting and timers and
results keep arriving, while clicks and keys wait until the loop ends (Qt's
ExcludeUserInputEvents), so nothing the user does can change the work being waited for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QObject, QTimer, Slot

from desktop_app.qt.tasks import TaskRunner, WorkerSignals

POLL_MS = 10  # how often a condition is looked at while waiting
_NO_INPUT = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents


class _Outcome(QObject):
    """Receives one worker's result or error and ends the loop waiting for it."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.value: Any = None
        self.error: BaseException | None = None

    @Slot(object)
    def succeeded(self, value: object) -> None:
        self.value = value
        self.loop.quit()

    @Slot(object)
    def failed(self, error: object) -> None:
        self.error = error if isinstance(error, BaseException) else RuntimeError(str(error))
        self.loop.quit()

    @Slot()
    def cancelled(self) -> None:
        self.error = RuntimeError("the work was cancelled")
        self.loop.quit()


def run_and_wait(pools: TaskRunner, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `fn` on the pools (as `pools.run` does) and return its result, or raise its error,
    while the window keeps painting."""
    loop = QEventLoop()
    outcome = _Outcome(loop)
    signals = WorkerSignals()
    signals.succeeded.connect(outcome.succeeded)
    signals.failed.connect(outcome.failed)
    signals.cancelled.connect(outcome.cancelled)
    pools.run(fn, *args, signals=signals, **kwargs)
    loop.exec(_NO_INPUT)  # (the result is queued to this thread: it arrives inside the loop)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value


def wait_until(done: Callable[[], bool], timeout_ms: int) -> bool:
    """Wait until `done()` (looked at every POLL_MS) or the timeout, while the window keeps
    painting; True when done."""
    if done():
        return True
    deadline = QDeadlineTimer(timeout_ms)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)

    def look() -> None:
        if done() or deadline.hasExpired():
            loop.quit()

    timer.timeout.connect(look)
    timer.start()
    loop.exec(_NO_INPUT)
    timer.stop()
    return done()


def shut_down(pools: TaskRunner, timeout_ms: int) -> bool:
    """Cancel what can be cancelled and let the rest (saves) finish, painting meanwhile."""
    pools.cancel_all()
    finished = wait_until(lambda: not pools.busy, timeout_ms)
    return pools.shutdown(1000 if finished else 0) and finished
