"""When the checks run: the scheduler beside the Qt-free result store (core/analysis/check_results.py).

The first check of a file runs on a worker in chunks (progress, cancel) and streams results in.
An edit is checked again on a worker too, so the undo command returns at once: the edited line
keeps its old result until the new one arrives (typically within a frame), and a row's text never
waits for it (core/dataset/preview.py). Dataset-wide problems (duplicates, too few examples, file size)
are recomputed on a worker, a moment after the last change. Every change the store reports
becomes a Qt signal here, for the views.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.core.analysis.check_results import CheckResults, Rows
from desktop_app.core.analysis.checker_process import (
    CALL_RECORDS,
    CheckerProcess,
    CheckerUnavailable,
)
from desktop_app.core.analysis.whole_file import compute_dataset_problems
from desktop_app.core.checks.voice.report import VoiceOverview
from desktop_app.core.checks.voice.wordlist import WordList
from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.review import sidecar_wordlist
from desktop_app.core.models.catalog import DEFAULT_MODEL
from desktop_app.core.problems import Problem
from desktop_app.qt import gc_guard
from desktop_app.qt.tasks import CancelToken, TaskRunner, Worker, WorkerSignals

if TYPE_CHECKING:
    from desktop_app.core.analysis.analyzer import RecordSummary
    from desktop_app.core.tokens.counts import ExampleTokens

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.1  # report results to the GUI about ten times a second
GUI_WAIT_S = 0.09  # the longest the editor's token count waits for the checker (then: later)
QUIET_LIMIT = 200  # edited records re-checked quietly per event-loop turn; more: a shown check
DATASET_DEBOUNCE_MS = 400


def warm_up_checking(**_task: Any) -> None:
    """Import what the first check of a big file needs, on a worker after start (a task).

    Left to the first open, these imports took that moment 50–90 ms of the GUI thread and of
    the interpreter lock (PySide's import hook reads each new module's source), a stall just
    as the first rows arrive (benchmarks/gui_open.py); on the GUI thread at start they were the
    same stall, earlier (tests/ui/test_responsive.py)."""
    import importlib
    import multiprocessing.pool
    import multiprocessing.queues
    import multiprocessing.synchronize  # noqa: F401
    import sys

    from desktop_app.core.analysis import process_checker  # noqa: F401 - and the analyzer

    spawn = "win32" if sys.platform == "win32" else "posix"
    importlib.import_module(f"multiprocessing.popen_spawn_{spawn}")  # what a spawn pool starts


def check_records(
    checker: CheckerProcess,
    model: str,
    provider: str,
    items: Sequence[tuple[int, Record]],
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> int:
    """Worker: check records in the checker process, reporting ("batch", results) batches."""
    batch: list[tuple[int, Record, RecordSummary]] = []
    last = time.perf_counter()
    for start in range(0, len(items), CALL_RECORDS):
        if cancel.cancelled:
            break
        part = items[start : start + CALL_RECORDS]
        lines = [(r.raw, i + 1) for i, r in part]
        try:
            summaries = checker.records(model, provider, lines)
        except CheckerUnavailable:  # it stopped during the call: the next call starts it again
            summaries = checker.records(model, provider, lines)
        batch += [(i, r, s) for (i, r), s in zip(part, summaries, strict=True)]
        now = time.perf_counter()
        if now - last >= BATCH_SECONDS:
            progress(("batch", batch))
            batch, last = [], now
    if batch and not cancel.cancelled:
        progress(("batch", batch))
    return len(items)


def recheck_records(
    checker: CheckerProcess,
    model: str,
    provider: str,
    items: Sequence[tuple[int, Record]],
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> list[tuple[int, Record, RecordSummary]]:
    """Worker: the new results of edited records, all at once."""
    found: list[tuple[int, Record, RecordSummary]] = []

    def keep(message: object) -> None:
        found.extend(message[1])  # type: ignore[index]

    check_records(checker, model, provider, items, cancel=cancel, progress=keep)
    return found


class TokenCounts:
    """The editor's token counter: counts from the checker process, answered on the spot."""

    def __init__(self, checker: CheckerProcess, model: str, provider: str) -> None:
        self.checker, self.model, self.provider = checker, model, provider

    def count_examples(self, values: Sequence[Any]) -> list[ExampleTokens | None]:
        """Raises CheckerUnavailable when the checker cannot answer now."""
        return self.checker.count_examples(self.model, self.provider, values, wait=GUI_WAIT_S)


class AnalysisStore(QObject):
    """Keeps the check results (`results`) current as the dataset changes; reading goes to them."""

    summaries_changed = Signal(int, int)  # first, last rows whose summary changed
    dataset_problems_changed = Signal()
    progress_changed = Signal(int, int)  # checked, total
    checking_changed = Signal(bool)
    counts_changed = Signal()

    def __init__(
        self,
        dataset: Dataset,
        pools: TaskRunner,
        *,
        model: str = DEFAULT_MODEL,
        provider: str = "openai",
        checker: CheckerProcess | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.checker = checker or pools.processes.checker
        self.dataset = dataset
        self.results = CheckResults(dataset)
        self.pools = pools
        self.model = model
        self.provider = provider
        self.file_bytes: int | None = None
        self.words: WordList | None = None  # the word list (read from the sidecar when needed)
        self.voice_overview: VoiceOverview | None = None  # the Style section's numbers
        self._worker: Worker | None = None
        self._dataset_worker: Worker | None = None
        self._checked = 0
        self._total = 0
        self.enabled = False  # becomes True once the file is loaded; then changes are checked
        self._stopped = False  # the user cancelled the check
        self.source_file: tuple[Path, int, int] | None = None  # path, size, mtime_ns as loaded
        self._snapshot: list[Record] = []  # the records as loaded, for results from processes
        self._restart = False  # start again once the running worker has stopped
        self._edited: dict[int, tuple[int, Record]] = {}  # id(record) -> (row, record) to check
        self._recheck: Worker | None = None
        self._recheck_items: list[tuple[int, Record]] = []
        self._quiet_used = 0  # records re-checked quietly in this turn of the event loop
        self._quiet_reset_queued = False
        self._dataset_timer = QTimer(self)
        self._dataset_timer.setSingleShot(True)
        self._dataset_timer.setInterval(DATASET_DEBOUNCE_MS)
        self._dataset_timer.timeout.connect(self._start_dataset_check)
        dataset.inserted.connect(self._on_inserted)
        dataset.removed.connect(self._on_removed)
        dataset.changed.connect(self._on_changed)
        dataset.reset.connect(self._on_reset)

    def detach(self) -> None:
        self.enabled = False
        self._stopped = True
        self._stop_workers(rechecks=True)
        self._dataset_timer.stop()
        self.dataset.inserted.disconnect(self._on_inserted)
        self.dataset.removed.disconnect(self._on_removed)
        self.dataset.changed.disconnect(self._on_changed)
        self.dataset.reset.disconnect(self._on_reset)

    # ---- reading (the results) -------------------------------------------------------------
    def summary(self, index: int) -> RecordSummary | None:
        return self.results.summary(index)

    @property
    def summaries(self) -> list[RecordSummary | None]:
        return self.results.summaries

    @property
    def error_count(self) -> int:
        return self.results.error_count

    @property
    def warning_count(self) -> int:
        return self.results.warning_count

    @property
    def problem_codes(self) -> list[str]:
        return self.results.problem_codes

    @property
    def checked_count(self) -> int:
        return self.results.checked_count

    def dataset_problems(self) -> list[Problem]:
        return self.results.dataset_problems()

    def record_problems(self, index: int) -> tuple[Problem, ...]:
        return self.results.record_problems(index)

    def findings(self, index: int) -> tuple[Problem, ...] | None:
        return self.results.findings(index)

    def problems(self) -> Iterator[tuple[int | None, Problem]]:
        return self.results.problems()

    @property
    def checking(self) -> bool:
        """The first check (or a check of many lines) is running; quiet re-checks aside."""
        return self._worker is not None

    @property
    def dataset_checking(self) -> bool:
        """The whole-file checks are due or running (their findings are on the way)."""
        return self._dataset_timer.isActive() or self._dataset_worker is not None

    @property
    def rechecking(self) -> bool:
        """Edited lines are being checked again (their new results are on the way)."""
        return self._recheck is not None or bool(self._edited)

    def counter(self) -> TokenCounts | None:
        """Token counts for the editor; None while the checker is not ready (it gets ready)."""
        if not self.checker.ready(self.model, self.provider):
            self.checker.warm(self.model, self.provider)
            return None
        return TokenCounts(self.checker, self.model, self.provider)

    # ---- control -------------------------------------------------------------------------
    def start(self) -> None:
        """Check every record that has no summary yet, on a worker."""
        if not shiboken6.isValid(self):  # the document went away while work was queued
            return
        self.enabled = True
        self._stopped = False
        if self._worker is not None:
            return
        if self._can_check_in_processes():
            self._start_processes()
            return
        items = [(i, self.dataset[i]) for i in self.results.unchecked_rows()]
        self._total = len(self.results.summaries)
        self._checked = self._total - len(items)
        if not items:
            self._schedule_dataset_check()
            return
        self._worker = self.pools.run(
            check_records,
            self.checker,
            self.model,
            self.provider,
            items,
            signals=self._check_signals(),
        )
        self.checking_changed.emit(True)
        self.progress_changed.emit(self._checked, self._total)

    def _check_signals(self) -> WorkerSignals:
        signals = WorkerSignals()
        signals.progress.connect(self._on_worker_progress)
        signals.finished.connect(self._on_worker_finished)
        signals.failed.connect(self._on_worker_failed)
        return signals

    # ---- the first check of a big file, in processes (see process_checker.py) -------------
    def _can_check_in_processes(self) -> bool:
        from desktop_app.core.analysis.process_checker import MIN_BYTES

        if self.source_file is None or self.results.structure_changed:
            return False
        path, size, mtime = self.source_file
        if size < MIN_BYTES or self.results.checked_count:
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        return stat.st_size == size and stat.st_mtime_ns == mtime

    def _start_processes(self) -> None:
        from desktop_app.core.analysis.process_checker import check_file_in_processes

        assert self.source_file is not None
        self._snapshot = list(self.dataset)
        self._total = len(self.results.summaries)
        self._checked = 0
        self.checker.warm(self.model, self.provider)  # for the edits to come
        self._worker = self.pools.run(
            check_file_in_processes,
            self.source_file[0],
            self.model,
            self.provider,
            signals=self._check_signals(),
        )
        self.source_file = None  # later checks (after edits) run on a thread
        self.checking_changed.emit(True)
        self.progress_changed.emit(0, self._total)

    def cancel(self) -> None:
        """Stop checking (the button in the status bar); edits are still checked one by one."""
        self._stopped = True
        self._stop_workers(rechecks=False)

    def _stop_workers(self, *, rechecks: bool) -> None:
        for worker in (self._worker, self._dataset_worker, self._recheck if rechecks else None):
            if worker is not None:
                worker.cancel()

    def set_model(self, model: str, provider: str | None = None) -> None:
        """Tokens and limits depend on the model: check everything again."""
        provider = provider or self.provider
        if (model, provider) == (self.model, self.provider):
            return
        self.model, self.provider = model, provider
        self._check_again()

    # ---- edits -----------------------------------------------------------------------------
    def recheck(self, first: int, last: int) -> None:
        """Check these records again on a worker; returns at once. Their old results stay until
        the new ones arrive. A bulk edit beyond QUIET_LIMIT records in one turn of the event loop
        is checked like a new file instead (its progress shown, cancellable)."""
        if not self._may_recheck_quietly(last - first + 1):
            self._forget(first, last)
            if self.enabled and self._worker is None:
                QTimer.singleShot(0, self.start)
            return
        for index in range(first, last + 1):
            record = self.dataset[index]
            self._edited[id(record)] = (index, record)
        self._send_edits()

    def _may_recheck_quietly(self, count: int) -> bool:
        """At most QUIET_LIMIT records per turn of the event loop: a bulk edit changes records
        one by one, and 100,000 results should come with a progress bar and a Cancel button."""
        if not self._quiet_reset_queued:
            self._quiet_reset_queued = True
            QTimer.singleShot(0, self._reset_quiet)
        self._quiet_used += count
        return self._quiet_used <= QUIET_LIMIT

    @Slot()
    def _reset_quiet(self) -> None:
        self._quiet_used, self._quiet_reset_queued = 0, False

    def _send_edits(self) -> None:
        """One re-check at a time; edits made meanwhile go with the next one."""
        if self._recheck is not None or not self._edited:
            return
        self._recheck_items = list(self._edited.values())
        self._edited.clear()
        signals = WorkerSignals()
        signals.succeeded.connect(self._on_rechecked)
        signals.failed.connect(self._on_recheck_failed)
        signals.finished.connect(self._on_recheck_finished)
        self._recheck = self.pools.run(
            recheck_records,
            self.checker,
            self.model,
            self.provider,
            self._recheck_items,
            signals=signals,
        )

    @Slot(object)
    def _on_rechecked(self, found: object) -> None:
        if not shiboken6.isValid(self) or self._recheck is None or self._recheck.token.cancelled:
            return
        assert isinstance(found, list)  # recheck_records' result
        self._show(self.results.take(found, only_new=False))
        gc_guard.settle(len(found))  # (these live as long as the document)
        self._schedule_dataset_check()

    @Slot(object)
    def _on_recheck_failed(self, error: object) -> None:
        """The checker could not answer: these lines are checked with the rest, later."""
        if not shiboken6.isValid(self):
            return
        log.warning("re-checking edited lines failed: %s", error)
        for hint, record in self._recheck_items:
            index = self.results.index_of(record, hint)
            if index is not None:
                self._forget(index, index)
        if self.enabled and self._worker is None:
            QTimer.singleShot(0, self.start)

    @Slot()
    def _on_recheck_finished(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._recheck, self._recheck_items = None, []
        if self.enabled:
            self._send_edits()

    # ---- following the dataset -----------------------------------------------------------
    def _on_inserted(self, start: int, count: int) -> None:
        self.results.inserted(start, count)
        if not self.enabled:
            return
        self.results.structure_changed = True
        self.recheck(start, start + count - 1)

    def _on_removed(self, start: int, count: int) -> None:
        self.results.removed(start, count)
        if self.enabled:
            self.counts_changed.emit()
            self._schedule_dataset_check()

    def _on_changed(self, first: int, last: int) -> None:
        if self.enabled:
            self.recheck(first, last)
        else:
            self._forget(first, last)

    def _on_reset(self) -> None:
        self.results.structure_changed = True
        self._check_again()

    def _check_again(self) -> None:
        self._stop_workers(rechecks=True)
        self._edited.clear()
        self.results.clear()
        self._announce_cleared()
        if not self.enabled:
            return
        if self._worker is not None:
            self._restart = True
        else:
            QTimer.singleShot(0, self.start)

    # ---- worker results ------------------------------------------------------------------
    @Slot(object)
    def _on_worker_progress(self, message: object) -> None:
        if not shiboken6.isValid(self):  # the document went away while work was queued
            return
        kind, payload = message[0], message[1]  # type: ignore[index]
        if kind == "lines":  # from processes: lines payload.. of the file as loaded
            found = message[2]  # type: ignore[index]
            self._show(self.results.take_lines(self._snapshot, payload, found))
        else:
            found = payload
            self._show(self.results.take(payload, only_new=True))
        self._checked += len(found)
        gc_guard.settle(len(found))  # these summaries live as long as the document
        self.progress_changed.emit(min(self._checked, self._total), self._total)

    @Slot(object)
    def _on_worker_failed(self, error: object) -> None:
        self._stopped = True  # no endless restarts; the next edit or model change tries again
        log.error("checking the dataset failed: %s", error, exc_info=error)  # type: ignore[arg-type]

    @Slot()
    def _on_worker_finished(self) -> None:
        if not shiboken6.isValid(self):  # the document went away while work was queued
            return
        self._worker = None
        self._snapshot = []
        restart, self._restart = self._restart, False
        if restart or (not self._stopped and self.results.unchecked_rows()):
            QTimer.singleShot(0, self.start)  # new model, or records that moved meanwhile
            return
        self.checking_changed.emit(False)
        self._schedule_dataset_check()

    # ---- dataset-wide problems -----------------------------------------------------------
    def _schedule_dataset_check(self) -> None:
        self._dataset_timer.start()

    @Slot()
    def _start_dataset_check(self) -> None:
        if self._dataset_worker is not None:
            self._dataset_worker.cancel()
        signals = WorkerSignals()
        signals.succeeded.connect(self._on_dataset_problems)
        signals.failed.connect(self._on_worker_failed)
        self._dataset_worker = self.pools.run(
            compute_dataset_problems,
            list(self.results.summaries),
            self.model,
            self.provider,
            self.file_bytes,
            list(self.dataset),
            self.wordlist(),
            signals=signals,
        )

    def wordlist(self) -> WordList:
        """The dataset's word list (read from its sidecar the first time)."""
        if self.words is None:
            path = self.dataset.path
            self.words = (sidecar_wordlist(path) if path is not None else None) or WordList()
        return self.words

    def set_words(self, words: WordList) -> None:
        """A new word list (the dialog saved it): check the replies against it."""
        self.words = words
        if self.enabled:
            self._schedule_dataset_check()

    @Slot(object)
    def _on_dataset_problems(self, result: object) -> None:
        self._dataset_worker = None
        assert isinstance(result, tuple)  # (whole-file problems, the voice overview)
        found: list[Problem] = result[0]
        self.voice_overview = result[1]
        changed = self.results.set_dataset_problems(found)
        if changed is not None:
            self.summaries_changed.emit(*changed)
        self.dataset_problems_changed.emit()
        self.counts_changed.emit()

    # ---- telling the views -----------------------------------------------------------------
    def _show(self, rows: Rows) -> None:
        if rows is not None:
            self.summaries_changed.emit(*rows)
            self.counts_changed.emit()

    def _forget(self, first: int, last: int) -> None:
        self.results.forget(first, last)
        self.summaries_changed.emit(first, last)

    def _announce_cleared(self) -> None:
        if self.results.summaries:
            self.summaries_changed.emit(0, len(self.results.summaries) - 1)
        self.dataset_problems_changed.emit()
        self.counts_changed.emit()
