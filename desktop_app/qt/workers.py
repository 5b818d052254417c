"""The one way the app runs work off the GUI thread: a `Worker` (QRunnable) in a pool.

A worker runs a plain function `fn(*args, cancel=token, progress=report)` on a pool thread. The
caller owns the `WorkerSignals` object (it lives on the GUI thread), so results arrive through
queued signals to `@Slot` methods of GUI-thread objects (STYLE.md P3/P4). The function must not
touch widgets; it returns a value (→ `succeeded`) or raises (→ `failed`). Cancelling sets the
token; the function checks it between steps. `shutdown()` cancels and waits for every pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

ProgressFn = Callable[[object], None]


class Cancelled(Exception):
    """Raised inside a worker function to stop early; reported as `cancelled`, not `failed`."""


class CancelToken:
    """A cancel flag shared by the GUI thread and one worker."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled

    @property
    def event(self) -> threading.Event:
        """The flag itself, for core calls that take a `threading.Event` cancel token."""
        return self._event


class WorkerSignals(QObject):
    """Signals of one worker; created by the caller on the GUI thread, without a parent.

    No parent on purpose: a parent destroyed while the worker still runs would delete this
    object under the worker's feet (STYLE.md P4). The Worker keeps it alive until it finishes.
    """

    started = Signal()
    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()


class Worker(QRunnable):
    """Runs `fn(*args, cancel=..., progress=..., **kwargs)` on a pool thread."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        signals: WorkerSignals | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns this object (STYLE.md P4)
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.token = CancelToken()
        self.signals = signals if signals is not None else WorkerSignals()
        self.done = threading.Event()

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        known = threading.get_ident() in threading._active  # type: ignore[attr-defined]
        try:
            self._run()
        finally:
            self.done.set()
            _forget_dummy_thread(known)

    def _run(self) -> None:
        signals = self.signals
        token = self.token
        try:
            signals.started.emit()
            result = self.fn(*self.args, cancel=token, progress=self._progress, **self.kwargs)
        except Cancelled:
            signals.cancelled.emit()
        except Exception as exc:  # every failure is reported to the GUI thread, never swallowed
            if token.cancelled:
                signals.cancelled.emit()
            else:
                log.debug("worker %s failed", getattr(self.fn, "__name__", self.fn), exc_info=True)
                signals.failed.emit(exc)
        else:
            if token.cancelled:
                signals.cancelled.emit()
            else:
                signals.succeeded.emit(result)
        signals.finished.emit()

    def _progress(self, value: object) -> None:
        if not self.token.cancelled:
            self.signals.progress.emit(value)


def _forget_dummy_thread(known: bool) -> None:
    """Drop the placeholder `threading` creates for a Qt pool thread that ran Python code.

    Python 3.11 never removes such `_DummyThread` entries, so the pool thread would look like a
    Python thread that is still running long after it exited (Python 3.13 cleans them up itself).
    """
    if known:
        return
    active = threading._active  # type: ignore[attr-defined]
    thread = active.get(threading.get_ident())
    if isinstance(thread, threading._DummyThread):  # type: ignore[attr-defined]
        active.pop(threading.get_ident(), None)


class WorkerPools:
    """Thread pools per purpose: `general` (reads, checks) and `writer` (one thread: saves, autosave)."""

    def __init__(self) -> None:
        self.general = QThreadPool()
        self.general.setMaxThreadCount(
            max(1, min(2, QThreadPool.globalInstance().maxThreadCount()))
        )
        self.general.setExpiryTimeout(2000)
        self.writer = QThreadPool()
        self.writer.setMaxThreadCount(1)  # writes happen one after another, never at once
        self.writer.setExpiryTimeout(2000)
        self._running: set[Worker] = set()
        self._lock = threading.Lock()

    def start(self, worker: Worker, *, writer: bool = False) -> Worker:
        """Queue a worker; the pools keep it alive until it has finished."""
        with self._lock:
            self._running = {w for w in self._running if not w.done.is_set()}
            self._running.add(worker)
        (self.writer if writer else self.general).start(worker)
        return worker

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        writer: bool = False,
        signals: WorkerSignals | None = None,
        **kwargs: Any,
    ) -> Worker:
        return self.start(Worker(fn, *args, signals=signals, **kwargs), writer=writer)

    @property
    def busy(self) -> bool:
        with self._lock:
            return any(not w.done.is_set() for w in self._running)

    def cancel_all(self) -> None:
        with self._lock:
            workers = list(self._running)
        for worker in workers:
            worker.cancel()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for queued and running work (saves included); True when everything finished."""
        ok_writer = self.writer.waitForDone(timeout_ms)
        ok_general = self.general.waitForDone(timeout_ms)
        return ok_writer and ok_general

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the cancellable work, let saves finish, and wait for everything to end."""
        self.cancel_all()
        ok = self.wait(timeout_ms)
        if not ok:
            log.warning("background work did not finish within %d ms at shutdown", timeout_ms)
        return ok
