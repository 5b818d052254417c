"""The one task runner: every window, pane and service runs its work off the GUI thread here.

A task runs a plain function `fn(*args, cancel=token, progress=report)` on a pool thread. The
caller owns the `WorkerSignals` object (it lives on the GUI thread), so progress, the result
and the error arrive through queued signals to `@Slot` methods of GUI-thread objects (STYLE.md
P3/P4). The function must not touch widgets; it returns a value (→ `succeeded`) or raises
(→ `failed`); cancelling sets the token, which the function checks between steps.

A task may have an owner (a window, a dialog, a service): when the owner is destroyed, its
tasks are cancelled and whatever they still report is ignored; `cancel_all(owner)` and
`wait(owner=...)` end one owner's work without touching the others'.

Lanes, one Qt pool each: `general` (reads, checks: two threads, the window keeps a core),
`writer` (one thread: saves happen one after another), `network` (requests that mostly wait),
`search` (one thread: the examples filter's searches, one at a time).

Why not superqt's `create_worker`/`thread_worker`: its `WorkerBase.run` wraps every task in
`warnings.catch_warnings()` and replaces `warnings.showwarning` from the pool thread. That
state is process-wide and not thread-safe (Python's documentation says so): two tasks at once
leave the GUI thread with a dead task's warning hook, and each task switches off the test
suite's warnings-as-errors while it runs. It also starts everything on the global pool (no
writer lane), and its function workers have no progress or cancel token. Importing it would not
avoid pygments either: `superqt.utils._qthreading` runs `superqt/utils/__init__.py` first.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop_app.core.cancel import Cancelled, CancelToken, ProgressFn, cancel_event

if TYPE_CHECKING:
    from desktop_app.core.processes import ProcessServices

log = logging.getLogger(__name__)

# (re-exported: the window's modules take them from here with the runner)
__all__ = [
    "CancelToken",
    "Cancelled",
    "ProgressFn",
    "TaskRunner",
    "Worker",
    "WorkerSignals",
    "cancel_event",
]
NETWORK_THREADS = 10  # the training hub's 4 and the playground's 6 from when each had a pool
LANES = ("general", "writer", "network", "search")
WINDOW_LANES = ("general", "writer", "search")  # a document's work: reads, checks, saves


class WorkerSignals(QObject):
    """Signals of one task; created by the caller on the GUI thread.

    Without a parent, the Worker keeps it alive until it finishes: a parent destroyed while the
    task still runs would delete it under the task's feet (STYLE.md P4).
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
        self.abandoned = False  # its owner went: nothing it reports is delivered

    def cancel(self) -> None:
        self.token.cancel()

    def abandon(self) -> None:
        """Cancel, and drop whatever the task still reports (called on the GUI thread)."""
        self.abandoned = True
        self.token.cancel()
        with contextlib.suppress(RuntimeError):  # (its signals may have gone with `finished`)
            self.signals.blockSignals(True)

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
                log.debug("task %s failed", getattr(self.fn, "__name__", self.fn), exc_info=True)
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
    if isinstance(thread, threading._DummyThread):
        active.pop(threading.get_ident(), None)


def _pool(threads: int) -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(threads)
    pool.setExpiryTimeout(2000)
    return pool


class TaskRunner:
    """The app's pools (one per lane) and the tasks running in them, by owner.

    Built by the composition root (`app.py`) with the process services and handed to every
    window, pane and service; `shutdown()` at the app's exit cancels and waits for everything.
    """

    def __init__(self, processes: ProcessServices | None = None) -> None:
        cores = QThreadPool.globalInstance().maxThreadCount()
        self._pools = {
            "general": _pool(max(1, min(2, cores))),
            "writer": _pool(1),  # writes happen one after another, never at once
            "network": _pool(max(NETWORK_THREADS, cores)),  # (they mostly wait)
            "search": _pool(1),
        }
        self._processes = processes
        self._own_processes = processes is None
        self._running: dict[int, set[Worker]] = {}  # id(owner) (0: none) → its tasks
        self._watched: set[int] = set()
        self._lock = threading.Lock()

    @property
    def processes(self) -> ProcessServices:
        """The checker and search processes (a runner built without them makes its own)."""
        if self._processes is None:
            from desktop_app.core.processes import ProcessServices

            self._processes = ProcessServices()
        return self._processes

    @property
    def writer(self) -> QThreadPool:
        return self._pools["writer"]

    # ---- starting --------------------------------------------------------------------------
    def start(
        self,
        worker: Worker,
        *,
        writer: bool = False,
        lane: str = "general",
        owner: QObject | None = None,
    ) -> Worker:
        """Queue a worker; the runner keeps it alive until it has finished."""
        key = self._watch(owner)
        with self._lock:
            self._running = {
                k: {w for w in ws if not w.done.is_set()} for k, ws in self._running.items()
            }
            self._running.setdefault(key, set()).add(worker)
        self._pools["writer" if writer else lane].start(worker)
        return worker

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        writer: bool = False,
        lane: str = "general",
        owner: QObject | None = None,
        signals: WorkerSignals | None = None,
        **kwargs: Any,
    ) -> Worker:
        worker = Worker(fn, *args, signals=signals, **kwargs)
        return self.start(worker, writer=writer, lane=lane, owner=owner)

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        owner: QObject,
        succeeded: Callable[[object], None] | None = None,
        failed: Callable[[object], None] | None = None,
        progress: Callable[[object], None] | None = None,
        cancelled: Callable[[], None] | None = None,
        finished: Callable[[], None] | None = None,
        lane: str = "network",
        writer: bool = False,
        start: bool = True,
        **kwargs: Any,
    ) -> Worker:
        """Run `fn` for a long-lived owner (a service); its results go to the given @Slots.

        Qt drops the connections of a receiver destroyed meanwhile (a dialog closed mid-call),
        and the signals object goes once the task has finished. `start=False`: the worker is
        returned unstarted (a service that is quitting starts nothing new).
        """
        signals = WorkerSignals()
        for signal, slot in (
            (signals.succeeded, succeeded),
            (signals.failed, failed),
            (signals.progress, progress),
            (signals.cancelled, cancelled),
            (signals.finished, finished),
        ):
            if slot is not None:
                signal.connect(slot)
        signals.finished.connect(signals.deleteLater)  # after the slots above have run
        worker = Worker(fn, *args, signals=signals, **kwargs)
        if not start:
            return worker
        return self.start(worker, writer=writer, lane=lane, owner=owner)

    # ---- owners ----------------------------------------------------------------------------
    def _watch(self, owner: QObject | None) -> int:
        if owner is None:
            return 0
        key = id(owner)
        if key not in self._watched:
            self._watched.add(key)
            # (a partial of the key, not of the owner: the connection keeps nothing alive)
            owner.destroyed.connect(functools.partial(self._owner_gone, key))
        return key

    def _owner_gone(self, key: int, *_args: object) -> None:
        self._watched.discard(key)
        with self._lock:
            workers = self._running.pop(key, set())
        for worker in workers:
            if not worker.done.is_set():
                worker.abandon()
        if workers:
            with self._lock:  # still kept alive (unowned) until they end
                self._running.setdefault(0, set()).update(workers)

    def _workers(self, owner: QObject | None) -> list[Worker]:
        with self._lock:
            if owner is None:
                return [w for ws in self._running.values() for w in ws]
            return list(self._running.get(id(owner), ()))

    # ---- state and the end -----------------------------------------------------------------
    def busy_for(self, owner: QObject | None = None) -> bool:
        """Whether any task (of `owner`, when given) is queued or running."""
        return any(not w.done.is_set() for w in self._workers(owner))

    @property
    def busy(self) -> bool:
        return self.busy_for(None)

    def cancel_all(self, owner: QObject | None = None) -> None:
        for worker in self._workers(owner):
            worker.cancel()

    def wait(
        self,
        timeout_ms: int = 10_000,
        owner: QObject | None = None,
        lanes: tuple[str, ...] = LANES,
    ) -> bool:
        """Wait for queued and running tasks (of `owner`, or of the lanes); True when all ended."""
        if owner is None:
            deadline = time.monotonic() + timeout_ms / 1000 if timeout_ms >= 0 else None
            ok = True
            for pool in (self._pools[lane] for lane in lanes):
                left = -1 if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
                ok = pool.waitForDone(left) and ok
            return ok
        deadline_s = time.monotonic() + max(0, timeout_ms) / 1000
        for worker in self._workers(owner):
            if not worker.done.wait(max(0.0, deadline_s - time.monotonic())):
                return False
        return True

    def wait_for_writes(self, timeout_ms: int = -1) -> bool:
        """Wait for the saves queued so far."""
        return self.writer.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the cancellable work, let saves finish, and wait for everything to end.

        Also stops the process services when this runner made them itself.
        """
        self.cancel_all()
        ok = self.wait(timeout_ms)
        if not ok:
            log.warning("background work did not finish within %d ms at shutdown", timeout_ms)
        if self._own_processes and self._processes is not None:
            self._processes.close()
            self._processes = None
        return ok
