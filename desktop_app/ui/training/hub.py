"""The training side of the app in one object the main window owns: `TrainingHub`.

It holds what the training views share: the app's task runner (its network calls run there),
the job store, the providers (one per account), the practice server, the job poller and the
notifier; it opens the dialogs and job windows, and it shuts all of that down cleanly when the
app quits.

Built by the composition root (desktop_app/app.py, `complete_window`) through
`training/wiring.py`'s `install_training`, which also adds the Training menu and the Jobs dock;
the window's `Extras` (ui/window_extras.py) holds it and calls `shutdown()` when the window closes,
before the window's pools shut down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.core.providers.base import Provider
from desktop_app.core.providers.config import ProviderConfig, load_config, save_config
from desktop_app.core.providers.connections import PracticeHost, ProviderCache, provider_label
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobstore import JobRecord, JobStore
from desktop_app.qt.job_poller import DEFAULT_TICK_MS, JobPoller
from desktop_app.qt.tasks import TaskRunner, Worker
from desktop_app.qt.waiting import wait_until
from desktop_app.ui.training.notifications import JobNotifier

if TYPE_CHECKING:
    from desktop_app.core.training.jobs import Adopted
    from desktop_app.ui.training.job_view import JobWindow
    from desktop_app.ui.training.jobs_pane import JobsPane
    from desktop_app.ui.training.settings_keys_dialog import KeysDialog
    from desktop_app.ui.training.start_job_dialog import StartJobDialog

log = logging.getLogger(__name__)

PRACTICE_INTERVAL = 1.0  # seconds between checks of a practice job
PROVIDER_INTERVAL = 5.0


class TrainingHub(QObject):
    """Shared services and entry points of the training GUI."""

    example_requested = Signal(int, int)  # record index, message index (-1): select it
    job_started = Signal(object)  # JobKey of a job the start dialog created
    keys_changed = Signal(str)  # provider kind whose key or address changed
    message = Signal(str)  # a short status line for the main window
    compare_requested = Signal(object)  # moving.MovedPair: compare old and new blind (playground)
    try_requested = Signal(object, object)  # JobKey, Job: tuned beside base (playground)

    def __init__(
        self,
        *,
        window: QWidget | None = None,
        current_dataset: Callable[[], Dataset | None] | None = None,
        store: JobStore | None = None,
        practice_pace: float = 1.0,
        practice_server: Any = None,
        retry: RetryPolicy | None = None,
        poll_interval: float | None = None,
        tick_ms: int = DEFAULT_TICK_MS,
        open_job_on_start: bool = True,
        multipart_threshold: int | None = None,
        part_size: int | None = None,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else window)
        self._shut_down = False
        self.window = window
        self.current_dataset = current_dataset or (lambda: None)
        # the app's runner (app.py); a hub built alone (tests) runs its own and stops it
        self.tasks = tasks if tasks is not None else TaskRunner()
        self._own_tasks = tasks is None
        self._store = store
        self.store_error: UserFacingError | None = None
        self.providers = ProviderCache(retry=retry)
        self.practice = PracticeHost(pace=practice_pace, server=practice_server)
        self.poll_interval = poll_interval
        self.open_job_on_start = open_job_on_start
        self.multipart_threshold = multipart_threshold
        self.part_size = part_size
        self.config: ProviderConfig = load_config()
        self.notifier = JobNotifier(window, self, say=self.message.emit)
        self.poller = JobPoller(
            self.tasks,
            self.providers.for_key,
            store=self.store,
            tick_ms=tick_ms,
            interval_for=self._interval_for,
            parent=self,
        )
        self.poller.job_finished.connect(self._on_job_finished)
        self._windows: dict[JobKey, JobWindow] = {}
        self._panes: list[JobsPane] = []
        self.menu: Any = None  # the window's Training menu and Jobs dock (wiring.py)

    # ---- services --------------------------------------------------------------------------
    @property
    def store(self) -> JobStore | None:
        """The job store, or None when it cannot be opened (see store_error)."""
        if self._store is None and self.store_error is None and not self._shut_down:
            try:
                self._store = JobStore().open()
            except UserFacingError as error:
                log.warning("job records unavailable: %s", error.message)
                self.store_error = error
        return self._store

    def _interval_for(self, key: JobKey) -> float:
        if self.poll_interval is not None:
            return self.poll_interval
        return PRACTICE_INTERVAL if key.provider == "practice" else PROVIDER_INTERVAL

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        succeeded: Callable[[object], None] | None = None,
        failed: Callable[[object], None] | None = None,
        progress: Callable[[object], None] | None = None,
        cancelled: Callable[[], None] | None = None,
        finished: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> Worker:
        """Run `fn` on the task runner's network lane for the hub (TaskRunner.call).

        Quitting: nothing new starts (the worker is returned unstarted)."""
        return self.tasks.call(
            fn,
            *args,
            owner=self,
            start=not self._shut_down,
            succeeded=succeeded,
            failed=failed,
            progress=progress,
            cancelled=cancelled,
            finished=finished,
            **kwargs,
        )

    def save_config(self, config: ProviderConfig) -> None:
        self.config = config
        try:
            save_config(config)
        except OSError as exc:  # a read-only config folder: keep the choice for this session
            log.warning("provider settings not saved: %s", type(exc).__name__)

    def key_for_record(self, record: JobRecord) -> JobKey:
        return JobKey(record.provider, record.account, record.base_url, record.job_id)

    def practice_alive(self, base_url: str) -> bool:
        """True when a practice job's server is the one running in this app now."""
        current = self.practice.current_url()
        return current is not None and current.rstrip("/") == base_url.rstrip("/")

    def label_for(self, key: JobKey) -> str:
        if key.provider == "practice":
            return "Practice mode"
        label = provider_label(key.provider)
        if key.account not in ("", "default", "local"):
            return f"{label} ({key.account})"
        return label

    # ---- unconfirmed job starts ------------------------------------------------------------
    def resolve_pending(self) -> None:
        """At start: look up jobs whose start was sent but never confirmed (core.training.jobs)."""
        store = self.store
        if store is None:
            return
        from desktop_app.core.training.jobs import resolve_all_pending

        def connect(kind: str, account: str, base_url: str) -> Provider:
            return self.providers.get(kind, account, base_url)

        def resolve(*, cancel: object, progress: object) -> object:
            return resolve_all_pending(store, connect)

        self.call(resolve, succeeded=self._on_pending_resolved, failed=self._on_pending_failed)

    @Slot(object)
    def _on_pending_failed(self, error: object) -> None:
        log.warning("unconfirmed job starts not checked: %s", type(error).__name__)

    @Slot(object)
    def _on_pending_resolved(self, result: object) -> None:
        adopted, unchecked = cast("tuple[list[Adopted], list[str]]", result)
        for found in adopted:
            self.message.emit(found.message)
            if not found.job.is_terminal:
                key = JobKey(found.kind, found.account, found.base_url, found.job.id)
                self.poller.watch(key, found.job)
        for sentence in unchecked:
            self.message.emit(sentence)
        if adopted:
            for pane in self._panes:
                pane.reload()

    # ---- entry points ----------------------------------------------------------------------
    def start_training(
        self,
        parent: QWidget | None,
        dataset: Dataset,
        *,
        path: Path | None = None,
        name: str = "",
    ) -> StartJobDialog:
        """Open the start-job dialog for a dataset (non-blocking; returns the dialog)."""
        from desktop_app.ui.training.start_job_dialog import StartJobDialog

        dialog = StartJobDialog(self, dataset, path=path, name=name, parent=parent)
        dialog.problem_activated.connect(self.example_requested)
        dialog.job_started.connect(self.on_job_started)
        dialog.open()
        return dialog

    def move_model(self, parent: QWidget | None, key: JobKey) -> StartJobDialog | None:
        """“Move this model”: the start dialog on the exact files the job was sent."""
        from desktop_app.ui.training.moving import open_move_dialog

        store = self.store
        record = store.get(*key.record_key) if store is not None else None
        if record is None:
            return None
        return open_move_dialog(self, parent, record)

    def show_keys(self, parent: QWidget | None) -> KeysDialog:
        """Open the Keys settings dialog (non-blocking; returns the dialog)."""
        from desktop_app.ui.training.settings_keys_dialog import KeysDialog

        dialog = KeysDialog(self, parent)
        dialog.keys_changed.connect(self._on_keys_changed)
        dialog.open()
        return dialog

    def jobs_pane(self, parent: QWidget | None = None) -> JobsPane:
        """A Jobs pane (for a dock or a tab)."""
        from desktop_app.ui.training.jobs_pane import JobsPane

        pane = JobsPane(self, parent)
        pane.job_activated.connect(self.open_job)
        self._panes.append(pane)
        pane.destroyed.connect(self._forget_panes)
        return pane

    @Slot(object)
    def open_job(self, key: object) -> JobWindow | None:
        """Show a job in its own window (raised if it is open already)."""
        from desktop_app.ui.training.job_view import JobWindow

        if not isinstance(key, JobKey) or self._shut_down:
            return None
        window = self._windows.get(key)
        if window is None:
            window = JobWindow(self, key, self.window)
            window.view.example_requested.connect(self.example_requested)
            window.view.try_requested.connect(self.try_requested)
            window.closed.connect(self._on_window_closed)
            self._windows[key] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def job_window(self, key: JobKey) -> JobWindow | None:
        return self._windows.get(key)

    def resume(self) -> list[JobKey]:
        """After a start: follow again every job the store says has not finished."""
        if self._shut_down:
            return []
        store = self.store
        if store is None:
            return []
        try:
            records = store.active_jobs()
        except UserFacingError as error:
            self.store_error = error
            return []
        keys = []
        for record in records:
            if record.provider == "practice" and not self.practice_alive(record.base_url):
                continue  # its practice server ended with the app that started it
            key = self.key_for_record(record)
            self.poller.watch(key, record.job())
            keys.append(key)
        return keys

    # ---- reactions -------------------------------------------------------------------------
    @Slot(object)
    def on_job_started(self, key: object) -> None:
        if not isinstance(key, JobKey):
            return
        for pane in self._panes:
            pane.reload()
        self.job_started.emit(key)
        self.message.emit(f"Training job {key.job_id} started.")
        if self.open_job_on_start:
            self.open_job(key)

    @Slot(object)
    def _on_job_finished(self, key: object) -> None:
        if not isinstance(key, JobKey):
            return
        job = self.poller.state(key).job
        if job is not None:
            self.notifier.notify_job(job, self.label_for(key))

    @Slot(str)
    def _on_keys_changed(self, kind: str) -> None:
        self.providers.forget(kind)
        self.keys_changed.emit(kind)
        for pane in self._panes:
            pane.reload()

    @Slot(object)
    def _on_window_closed(self, key: object) -> None:
        if isinstance(key, JobKey):
            self._windows.pop(key, None)

    @Slot()
    def _forget_panes(self) -> None:
        alive = []
        for pane in self._panes:
            try:
                pane.objectName()
            except RuntimeError:  # its C++ side is gone
                continue
            alive.append(pane)
        self._panes = alive

    # ---- quitting --------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Stop polling, cancel uploads and checks, wait for the workers, stop practice mode."""
        if self._shut_down:
            return True
        self._shut_down = True
        self.poller.stop()
        for window in list(self._windows.values()):
            window.view.stop()
            window.close()
        for pane in self._panes:
            pane.stop()
        self.tasks.cancel_all(owner=self)
        self.providers.stop()  # wakes retry waits; no new requests
        self.practice.stop()  # ends slow answers from the practice server at once
        # the window keeps painting meanwhile (a slow server can take seconds to let go)
        finished = wait_until(lambda: not self.tasks.busy_for(self), timeout_ms)
        if self._own_tasks:
            finished = self.tasks.shutdown(timeout_ms) and finished
        if not finished:
            log.warning("training work still running after %d ms at quit", timeout_ms)
        self.providers.close()  # connections, once nothing uses them
        self.notifier.close()
        if self._store is not None:
            self._store.close()
        return finished

    @property
    def is_shut_down(self) -> bool:
        return self._shut_down
