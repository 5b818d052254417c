"""What the playground and the comparison windows share: `TryServices`, owned by the main window.

Its network calls (streams and comparison runs, several at once) run on the app's task runner.
It holds the providers for chat endpoints and the ways to reach the rest of the app: the open
document (to add replies to it), the job records (to list tuned models) and the practice server.
It shuts all of that down cleanly at quit.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.trying.endpoints import (
    Endpoint,
    ProviderPool,
    remembered,
    to_remember,
    tuned_endpoints,
)
from desktop_app.qt.tasks import TaskRunner, Worker
from desktop_app.qt.waiting import wait_until

if TYPE_CHECKING:
    from desktop_app.core.training.jobstore import JobStore
    from desktop_app.qt.ui_state import UiState

log = logging.getLogger(__name__)


class DocumentLike(Protocol):
    """The open document as the playground sees it (desktop_app.qt.document.Document fits)."""

    @property
    def dataset(self) -> Dataset: ...

    @property
    def undo_stack(self) -> QUndoStack: ...


class TryServices(QObject):
    """Shared services of the playground and comparison windows."""

    example_added = Signal(int)  # record index of an example added from the playground
    message = Signal(str)  # a short status line for the main window

    def __init__(
        self,
        *,
        document: Callable[[], DocumentLike | None] = lambda: None,
        store: Callable[[], JobStore | None] = lambda: None,
        practice_url: Callable[[], str | None] = lambda: None,
        retry: RetryPolicy | None = None,
        providers: ProviderPool | None = None,
        tasks: TaskRunner | None = None,
        ui_state: UiState | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.store = store
        self.practice_url = practice_url
        self.providers = providers or ProviderPool(retry=retry)
        # the app's runner (app.py); services built alone (tests) run their own and stop it
        self.tasks = tasks if tasks is not None else TaskRunner()
        self._own_tasks = tasks is None
        self._stops: weakref.WeakSet[threading.Event] = weakref.WeakSet()
        self._shut_down = False
        self.ui_state = ui_state  # where the last models are kept (None: not kept)

    def stop_flag(self) -> threading.Event:
        """A flag a stream or run checks between pieces; every flag is set at quit.

        The providers wait on a `threading.Event` (between streamed pieces and retries), so
        stopping sets this flag as well as cancelling the worker.
        """
        flag = threading.Event()
        if self._shut_down:
            flag.set()
        self._stops.add(flag)
        return flag

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        succeeded: Callable[[object], None] | None = None,
        failed: Callable[[object], None] | None = None,
        progress: Callable[[object], None] | None = None,
        cancelled: Callable[[], None] | None = None,
        finished: Callable[[], None] | None = None,
        writer: bool = False,
        **kwargs: Any,
    ) -> Worker:
        """Run `fn` on the task runner's network lane for these services (TaskRunner.call)."""
        return self.tasks.call(
            fn,
            *args,
            owner=self,
            writer=writer,
            succeeded=succeeded,
            failed=failed,
            progress=progress,
            cancelled=cancelled,
            finished=finished,
            **kwargs,
        )

    def endpoint_choices(self) -> list[Endpoint]:
        """Tuned models (those trained from the open dataset first) and their base models."""
        store = self.store()
        if store is None:
            return []
        document = self.document()
        path = document.dataset.path if document is not None else None
        try:
            records = store.list_jobs(limit=200)
        except UserFacingError as error:
            log.warning("job records unavailable for the playground: %s", error.message)
            return []
        return tuned_endpoints(
            records,
            practice_url=self.practice_url(),
            dataset_path=str(path) if path is not None else None,
        )

    def last_models(self) -> list[Endpoint]:
        """The models the playground talked to last time (one, or two side by side)."""
        return remembered(self.ui_state.try_models()) if self.ui_state is not None else []

    def remember_models(self, endpoints: list[Endpoint]) -> None:
        if self.ui_state is not None:
            self.ui_state.save_try_models(to_remember(endpoints))

    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Stop streams and runs, close connections, wait for the workers."""
        if self._shut_down:
            return True
        self._shut_down = True
        for flag in list(self._stops):
            flag.set()
        self.tasks.cancel_all(owner=self)
        self.providers.close()  # wakes retry waits and ends streams at their next piece
        # the window keeps painting meanwhile (a slow server can take seconds to let go)
        finished = wait_until(lambda: not self.tasks.busy_for(self), timeout_ms)
        if self._own_tasks:
            finished = self.tasks.shutdown(timeout_ms) and finished
        if not finished:
            log.warning("playground work still running after %d ms at quit", timeout_ms)
        return finished

    @property
    def is_shut_down(self) -> bool:
        return self._shut_down
