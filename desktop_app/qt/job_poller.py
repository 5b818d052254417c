"""Following fine-tuning jobs: a main-thread QTimer that sends short requests to workers.

Each tick looks at the watched jobs; a job whose next check is due and that has no request in
flight gets one worker (get the job, its new events, checkpoints when they may have changed, the
result file once it succeeded). A tick is skipped for a job while its request is in flight.
Failures back off (doubling, capped; a rate limit's `retry-after` is honoured); a finished job is
fetched one last time and then no longer polled. Everything learnt is kept in a `JobState` per
job on the GUI thread, so a job view opened later shows the whole history at once.

Workers only return data; the poller applies it on the GUI thread (STYLE.md P2-P4, P12).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.core.cancel import CancelToken
from desktop_app.core.providers.base import Checkpoint, Job, JobEvent, Provider
from desktop_app.core.providers.errors import RateLimitError
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobstore import JobStore
from desktop_app.qt.tasks import TaskRunner, Worker, WorkerSignals

log = logging.getLogger(__name__)

DEFAULT_TICK_MS = 500
DEFAULT_INTERVAL = 5.0  # seconds between checks of one job
MAX_BACKOFF = 120.0
EVENT_PAGE = 100


@dataclass
class JobState:
    """What the app knows about one job (GUI thread only)."""

    key: JobKey
    job: Job | None = None
    events: list[JobEvent] = field(default_factory=list)  # oldest first
    checkpoints: list[Checkpoint] = field(default_factory=list)  # newest first
    result_text: str | None = None
    error: BaseException | None = None  # the last check's failure; None after a good one
    seen: set[str] = field(default_factory=set)
    polls: int = 0

    @property
    def is_terminal(self) -> bool:
        return self.job is not None and self.job.is_terminal


@dataclass(frozen=True, slots=True)
class PollResult:
    key: JobKey
    job: Job
    events: list[JobEvent]  # new ones, oldest first
    checkpoints: list[Checkpoint] | None  # None: not fetched this time
    result_text: str | None  # None: not fetched this time


def without_traceback(error: BaseException | None) -> BaseException | None:
    """The error without its tracebacks, which hold the worker thread's frames (and through them
    the worker and its signals) alive for as long as the GUI keeps the error."""
    seen: set[int] = set()
    current = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return error


def new_events(provider: Provider, job_id: str, seen: frozenset[str]) -> list[JobEvent]:
    """Events not in `seen`, oldest first (pages are newest first; stop at the first seen one)."""
    fresh: list[JobEvent] = []
    after: str | None = None
    while True:
        page = provider.list_events(job_id, after=after, limit=EVENT_PAGE)
        reached = False
        for event in page.items:
            if event.id in seen:
                reached = True
                break
            fresh.append(event)
        after = page.next_after
        if reached or after is None:
            break
    fresh.reverse()
    return fresh


def poll_job(
    connect: Callable[[JobKey], Provider],
    key: JobKey,
    seen: frozenset[str],
    want_checkpoints: bool,
    want_result: bool,
    store: JobStore | None,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> PollResult:
    """Worker: one look at a job. The job first, so the events include everything up to it."""
    provider = connect(key)
    job = provider.get_job(key.job_id)
    if store is not None and store.get(*key.record_key) is not None:
        # the stored job wins when it already ended (this answer may be older than it)
        job = store.record_job(
            job, provider=key.provider, account=key.account, base_url=key.base_url
        )
    cancel.raise_if_cancelled()
    events = new_events(provider, key.job_id, seen) if provider.capabilities.events else []
    mentions = any("checkpoint" in e.message.lower() for e in events)
    checkpoints = None
    if provider.capabilities.checkpoints and (want_checkpoints or mentions or job.is_terminal):
        cancel.raise_if_cancelled()
        checkpoints = provider.list_checkpoints(key.job_id, limit=100).items
    result_text = None
    if want_result and job.status == "succeeded" and job.result_files:
        cancel.raise_if_cancelled()
        result_text = provider.download_result_file(job.result_files[0])
    return PollResult(key, job, events, checkpoints, result_text)


@dataclass
class _Watch:
    key: JobKey
    interval: float
    keep_polling: bool  # False: a one-off refresh
    next_due: float = 0.0
    failures: int = 0
    known_status: str | None = None  # status before this watch saw the job end (notifications)


class _Dispatch(QObject):
    """The GUI-thread receiver of one job's poll results, reused for every poll of that job.

    It belongs to the poller (Qt parent). Each poll has its own signals object, kept alive by
    its worker, so a poll abandoned by stop() may end after the poller has gone.
    """

    def __init__(self, poller: JobPoller, key: JobKey) -> None:
        super().__init__(poller)
        self.poller = poller
        self.key = key
        self.worker: Worker | None = None

    def signals(self) -> WorkerSignals:
        """Signals for the next poll, delivered to this receiver."""
        signals = WorkerSignals()
        signals.succeeded.connect(self._on_succeeded)
        signals.failed.connect(self._on_failed)
        signals.finished.connect(self._on_finished)
        return signals

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        if isinstance(result, PollResult):
            self.poller._apply(result)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        failure = error if isinstance(error, BaseException) else None
        self.poller._failed(self.key, without_traceback(failure))

    @Slot()
    def _on_finished(self) -> None:
        self.worker = None
        self.poller._done(self)


class JobPoller(QObject):
    """Polls watched jobs from a main-thread timer; one request in flight per job."""

    state_changed = Signal(object)  # JobKey: its JobState has news
    job_finished = Signal(object)  # JobKey: a watched job reached succeeded/failed/cancelled
    poll_failed = Signal(object, object)  # JobKey, the error (a UserFacingError, normally)

    def __init__(
        self,
        pools: TaskRunner,
        connect: Callable[[JobKey], Provider],
        *,
        store: JobStore | None = None,
        tick_ms: int = DEFAULT_TICK_MS,
        interval_for: Callable[[JobKey], float] | None = None,
        max_backoff: float = MAX_BACKOFF,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pools = pools
        self.connect_provider = connect
        self.store = store
        self.interval_for = interval_for or (lambda _key: DEFAULT_INTERVAL)
        self.max_backoff = max_backoff
        self.skipped_ticks = 0  # ticks that found a request still in flight (for tests, logs)
        self._states: dict[JobKey, JobState] = {}
        self._watches: dict[JobKey, _Watch] = {}
        self._in_flight: dict[JobKey, _Dispatch] = {}
        self._receivers: dict[JobKey, _Dispatch] = {}
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)

    # ---- what to follow --------------------------------------------------------------------
    def state(self, key: JobKey) -> JobState:
        found = self._states.get(key)
        if found is None:
            found = self._states[key] = JobState(key)
        return found

    def watch(self, key: JobKey, job: Job | None = None) -> None:
        """Follow a job until it ends (a finished job gets one last full look)."""
        if self._stopped:
            return
        state = self.state(key)
        if job is not None and state.job is None:
            state.job = job
        watch = self._watches.get(key)
        if watch is None:
            known = state.job.status if state.job is not None else None
            self._watches[key] = _Watch(key, self.interval_for(key), True, known_status=known)
        else:
            watch.keep_polling = True
        self._ensure_timer()

    def refresh(self, key: JobKey) -> None:
        """Look at a job once, now (also a finished one, e.g. when its view opens)."""
        if self._stopped:
            return
        watch = self._watches.get(key)
        if watch is None:
            state = self.state(key)
            known = state.job.status if state.job is not None else None
            watch = self._watches[key] = _Watch(
                key, self.interval_for(key), False, known_status=known
            )
        watch.next_due = 0.0
        self._ensure_timer()
        self._tick()

    def unwatch(self, key: JobKey) -> None:
        self._watches.pop(key, None)

    def is_watching(self, key: JobKey) -> bool:
        watch = self._watches.get(key)
        return watch is not None and watch.keep_polling

    def in_flight(self, key: JobKey) -> bool:
        return key in self._in_flight

    @property
    def watched(self) -> list[JobKey]:
        return [k for k, w in self._watches.items() if w.keep_polling]

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def set_state_job(self, key: JobKey, job: Job) -> None:
        """Tell the poller about a job seen elsewhere (a list page, an action's answer)."""
        state = self.state(key)
        state.job = job
        self.state_changed.emit(key)

    # ---- shutdown --------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the timer and abandon the requests in flight: they are cancelled, their answers
        are ignored, and nobody waits for them (a slow server does not hold up the window)."""
        self._stopped = True
        self._timer.stop()
        for dispatch in list(self._in_flight.values()):
            if dispatch.worker is not None:
                dispatch.worker.abandon()
                dispatch.worker = None
        self._in_flight.clear()
        self._watches.clear()

    # ---- the timer -------------------------------------------------------------------------
    def _ensure_timer(self) -> None:
        if not self._stopped and self._watches and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _tick(self) -> None:
        if self._stopped:
            return
        now = time.monotonic()
        for key, watch in list(self._watches.items()):
            if key in self._in_flight:
                self.skipped_ticks += 1
                continue
            if now >= watch.next_due:
                self._dispatch(watch)
        if not self._watches and not self._in_flight:
            self._timer.stop()

    def _dispatch(self, watch: _Watch) -> None:
        state = self.state(watch.key)
        dispatch = self._receivers.get(watch.key)
        if dispatch is None:
            dispatch = self._receivers[watch.key] = _Dispatch(self, watch.key)
        want_checkpoints = state.polls == 0
        want_result = state.result_text is None
        worker = Worker(
            poll_job,
            self.connect_provider,
            watch.key,
            frozenset(state.seen),
            want_checkpoints,
            want_result,
            self.store,
            signals=dispatch.signals(),
        )
        dispatch.worker = worker
        self._in_flight[watch.key] = dispatch
        self.pools.start(worker, lane="network", owner=self)

    # ---- results (GUI thread) --------------------------------------------------------------
    def _apply(self, result: PollResult) -> None:
        if self._stopped:
            return
        state = self.state(result.key)
        state.job = result.job
        state.error = None
        state.polls += 1
        for event in result.events:
            if event.id not in state.seen:
                state.seen.add(event.id)
                state.events.append(event)
        if result.checkpoints is not None:
            state.checkpoints = sorted(result.checkpoints, key=lambda c: c.step, reverse=True)
        if result.result_text is not None:
            state.result_text = result.result_text
        watch = self._watches.get(result.key)
        if watch is not None:
            watch.failures = 0
            watch.next_due = time.monotonic() + watch.interval
            ended = result.job.is_terminal
            if ended or not watch.keep_polling:
                self._watches.pop(result.key, None)
            if (
                ended
                and watch.known_status is not None
                and watch.known_status
                not in (
                    "succeeded",
                    "failed",
                    "cancelled",
                )
            ):
                self.state_changed.emit(result.key)
                self.job_finished.emit(result.key)
                return
            watch.known_status = result.job.status
        self.state_changed.emit(result.key)

    def _failed(self, key: JobKey, error: BaseException | None) -> None:
        if self._stopped:
            return
        state = self.state(key)
        state.error = error
        watch = self._watches.get(key)
        if watch is not None:
            if not watch.keep_polling:
                self._watches.pop(key, None)
            else:
                watch.failures += 1
                delay = min(self.max_backoff, watch.interval * 2.0**watch.failures)
                retry_after = getattr(error, "retry_after", None)
                if isinstance(error, RateLimitError) and retry_after:
                    delay = max(delay, min(float(retry_after), self.max_backoff))
                watch.next_due = time.monotonic() + delay
                log.info(
                    "checking job %s failed (%s); next try in %.1f s",
                    key.job_id,
                    type(error).__name__,
                    delay,
                )
        self.poll_failed.emit(key, error)
        self.state_changed.emit(key)

    def _done(self, dispatch: _Dispatch) -> None:
        if self._in_flight.get(dispatch.key) is dispatch:
            del self._in_flight[dispatch.key]
        if not self._watches and not self._in_flight:
            self._timer.stop()

    def next_due_in(self, key: JobKey) -> float | None:
        """Seconds until the next check of a watched job (None when not watched)."""
        watch = self._watches.get(key)
        return None if watch is None else max(0.0, watch.next_due - time.monotonic())
