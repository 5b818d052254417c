"""Check results kept beside the records: one `RecordSummary` per line, plus dataset-wide problems.

The first check of a file runs on a worker in chunks (progress, cancel) and streams results in;
an edit re-checks only the record that changed, on the spot. Dataset-wide problems (duplicates,
too few examples, file size) are recomputed on a worker, a moment after the last change.
Problems carry the line they were found on; views use the record's current position instead
(`problems()`), so inserting or removing lines never shows stale line numbers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.core.checker_process import CALL_RECORDS, CheckerProcess, CheckerUnavailable
from desktop_app.core.dataset import Dataset, Record
from desktop_app.core.errors import UserFacingError
from desktop_app.core.models import DEFAULT_MODEL
from desktop_app.core.problems import Problem, Severity
from desktop_app.core.review import sidecar_wordlist
from desktop_app.core.voice.report import VoiceOverview
from desktop_app.core.voice.wordlist import WordList
from desktop_app.qt import gc_guard
from desktop_app.qt.tasks import CancelToken, TaskRunner, Worker, WorkerSignals
from desktop_app.qt.whole_file import compute_dataset_problems

if TYPE_CHECKING:
    from desktop_app.core.analysis import RecordSummary
    from desktop_app.core.tokens import ExampleTokens

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.1  # report results to the GUI about ten times a second
GUI_WAIT_S = 1.0  # the longest the window waits for the checker process before checking later
SYNC_LIMIT = 200  # records re-checked on the spot per event-loop turn; more go to a worker
DATASET_DEBOUNCE_MS = 400


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


class TokenCounts:
    """The editor's token counter: counts from the checker process, answered on the spot."""

    def __init__(self, checker: CheckerProcess, model: str, provider: str) -> None:
        self.checker, self.model, self.provider = checker, model, provider

    def count_examples(self, values: Sequence[Any]) -> list[ExampleTokens | None]:
        """Raises CheckerUnavailable when the checker cannot answer now."""
        return self.checker.count_examples(self.model, self.provider, values, wait=GUI_WAIT_S)


class AnalysisStore(QObject):
    """Summaries parallel to the dataset's records, kept current as the dataset changes."""

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
        self.pools = pools
        self.model = model
        self.provider = provider
        self.file_bytes: int | None = None
        self.words: WordList | None = None  # the word list (read from the sidecar when needed)
        self.voice_overview: VoiceOverview | None = None  # the Style section's numbers
        self._summaries: list[RecordSummary | None] = [None] * len(dataset)
        self._worker: Worker | None = None
        self._dataset_worker: Worker | None = None
        self._dataset_problems: list[Problem] = []
        self._dataset_by_row: dict[int, list[Problem]] = {}
        self._errors = 0
        self._warnings = 0
        self._checked = 0
        self._total = 0
        self.enabled = False  # becomes True once the file is loaded; then changes are checked
        self._stopped = False  # the user cancelled the check
        self.source_file: tuple[Path, int, int] | None = None  # path, size, mtime_ns as loaded
        self._structure_changed = False  # lines inserted/removed since the file was loaded
        self._snapshot: list[Record] = []
        self._positions: dict[int, int] | None = None
        self._restart = False  # start again once the running worker has stopped
        self._sync_used = 0  # records re-checked on the spot in this turn of the event loop
        self._sync_reset_queued = False
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
        self.cancel()
        self._dataset_timer.stop()
        self.dataset.inserted.disconnect(self._on_inserted)
        self.dataset.removed.disconnect(self._on_removed)
        self.dataset.changed.disconnect(self._on_changed)
        self.dataset.reset.disconnect(self._on_reset)

    # ---- reading -------------------------------------------------------------------------
    def summary(self, index: int) -> RecordSummary | None:
        return self._summaries[index] if 0 <= index < len(self._summaries) else None

    @property
    def summaries(self) -> list[RecordSummary | None]:
        return self._summaries

    @property
    def error_count(self) -> int:
        return self._errors + self._dataset_count(Severity.ERROR)

    def _dataset_count(self, severity: Severity) -> int:
        """Whole-file findings as `problems()` lists them: those about the file, and those on
        lines still there (a removed duplicate is not counted while the file is re-checked)."""
        wide = sum(p.severity is severity for p in self._dataset_problems if p.line is None)
        rows = sum(p.severity is severity for found in self._dataset_by_row.values() for p in found)
        return wide + rows

    @property
    def problem_codes(self) -> list[str]:
        """Problem codes present now (for the filter menu)."""
        return sorted({p.code for _, p in self.problems()})

    @property
    def warning_count(self) -> int:
        return self._warnings + self._dataset_count(Severity.WARNING)

    @property
    def checking(self) -> bool:
        return self._worker is not None

    @property
    def checked_count(self) -> int:
        return sum(s is not None for s in self._summaries)

    def dataset_problems(self) -> list[Problem]:
        return list(self._dataset_problems)

    def record_problems(self, index: int) -> tuple[Problem, ...]:
        """The line's own problems plus the dataset-wide findings pointing at it (duplicates…)."""
        summary = self.summary(index)
        own = () if summary is None else tuple(_at_line(p, index + 1) for p in summary.problems)
        extra = self._dataset_by_row.get(index)
        return own + tuple(extra) if extra else own

    def findings(self, index: int) -> tuple[Problem, ...] | None:
        """What `record_problems` holds, without renumbering (quicker: the filters only look at
        codes and severities); None when the line is not checked yet."""
        summary = self.summary(index)
        if summary is None:
            return None
        extra = self._dataset_by_row.get(index)
        return (*summary.problems, *extra) if extra else summary.problems

    def problems(self) -> Iterator[tuple[int | None, Problem]]:
        """Every problem with the current record index (None for the whole dataset)."""
        for problem in self._dataset_problems:
            if problem.line is None:
                yield None, problem
        summaries, extra = self._summaries, self._dataset_by_row
        # one lean pass to find the few rows with problems (100,000 rows: ~5 ms, not ~22)
        rows = [i for i, s in enumerate(summaries) if s is not None and s.problems]
        if extra:
            rows = sorted(set(rows).union(extra))
        for index in rows:
            summary = summaries[index]
            if summary is not None:
                for problem in summary.problems:
                    yield index, _at_line(problem, index + 1)
            for problem in extra.get(index, ()):
                yield index, problem

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
        items = [(i, self.dataset[i]) for i, s in enumerate(self._summaries) if s is None]
        self._total = len(self._summaries)
        self._checked = self._total - len(items)
        if not items:
            self._schedule_dataset_check()
            return
        signals = WorkerSignals()
        signals.progress.connect(self._on_worker_progress)
        signals.finished.connect(self._on_worker_finished)
        signals.failed.connect(self._on_worker_failed)
        self._worker = self.pools.run(
            check_records, self.checker, self.model, self.provider, items, signals=signals
        )
        self.checking_changed.emit(True)
        self.progress_changed.emit(self._checked, self._total)

    # ---- the first check of a big file, in processes (see process_checker.py) -------------
    def _can_check_in_processes(self) -> bool:
        from desktop_app.qt.process_checker import MIN_BYTES

        if self.source_file is None or self._structure_changed:
            return False
        path, size, mtime = self.source_file
        if size < MIN_BYTES or any(s is not None for s in self._summaries):
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        return stat.st_size == size and stat.st_mtime_ns == mtime

    def _start_processes(self) -> None:
        from desktop_app.qt.process_checker import check_file_in_processes

        assert self.source_file is not None
        self._snapshot = list(self.dataset)
        self._positions = None
        self._total = len(self._summaries)
        self._checked = 0
        self.checker.warm(self.model, self.provider)  # for the edits to come
        signals = WorkerSignals()
        signals.progress.connect(self._on_worker_progress)
        signals.finished.connect(self._on_worker_finished)
        signals.failed.connect(self._on_worker_failed)
        self._worker = self.pools.run(
            check_file_in_processes,
            self.source_file[0],
            self.model,
            self.provider,
            signals=signals,
        )
        self.source_file = None  # later checks (after edits) run on a thread
        self.checking_changed.emit(True)
        self.progress_changed.emit(0, self._total)

    def _apply_lines(self, first: int, summaries: list[RecordSummary]) -> None:
        """Results for lines first.. of the file as loaded: find where those records are now."""
        dataset = self.dataset
        snapshot = self._snapshot
        low = high = None
        for offset, summary in enumerate(summaries):
            line = first + offset
            if line >= len(snapshot):
                break
            record = snapshot[line]
            index = self._current_index(line, record)
            if index is None or self._summaries[index] is not None:
                continue
            self._set(index, summary)
            low = index if low is None else min(low, index)
            high = index if high is None else max(high, index)
        self._checked += len(summaries)
        gc_guard.settle(len(summaries))  # these summaries live as long as the document
        if low is not None and high is not None:
            self.summaries_changed.emit(low, high)
            self.counts_changed.emit()
        del dataset

    def _current_index(self, line: int, record: Record) -> int | None:
        dataset = self.dataset
        if not self._structure_changed:
            return line if line < len(dataset) and dataset[line] is record else None
        if self._positions is None:
            self._positions = {id(r): i for i, r in enumerate(dataset)}
        index = self._positions.get(id(record))
        return index if index is not None and dataset[index] is record else None

    def cancel(self) -> None:
        """Stop checking (the button in the status bar); edits are still checked one by one."""
        self._stopped = True
        self._stop_workers()

    def _stop_workers(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        if self._dataset_worker is not None:
            self._dataset_worker.cancel()

    def set_model(self, model: str, provider: str | None = None) -> None:
        """Tokens and limits depend on the model: check everything again."""
        provider = provider or self.provider
        if (model, provider) == (self.model, self.provider):
            return
        self.model, self.provider = model, provider
        self._check_again()

    def recheck(self, first: int, last: int) -> None:
        """Check these records now, or on a worker when they are many (a bulk edit) or the checker
        process is not ready."""
        items = [(self.dataset[i].raw, i + 1) for i in range(first, last + 1)]
        try:
            if not self._may_check_now(len(items)) or not self.checker.ready(
                self.model, self.provider
            ):
                raise CheckerUnavailable("later, on a worker")
            summaries = self.checker.records(self.model, self.provider, items, wait=GUI_WAIT_S)
        except (CheckerUnavailable, UserFacingError):
            self._forget(first, last)
            if self.enabled and self._worker is None:
                QTimer.singleShot(0, self.start)
            return
        for index, summary in enumerate(summaries, start=first):
            self._set(index, summary)
        self.summaries_changed.emit(first, last)
        self.counts_changed.emit()
        self._schedule_dataset_check()

    def _may_check_now(self, count: int) -> bool:
        """At most SYNC_LIMIT records per turn of the event loop are checked on the spot: a bulk
        edit changes records one by one, and 100,000 calls to the checker (~2 ms each) would
        freeze the window; the rest are checked on a worker right after."""
        if not self._sync_reset_queued:
            self._sync_reset_queued = True
            QTimer.singleShot(0, self._reset_sync)
        self._sync_used += count
        return self._sync_used <= SYNC_LIMIT

    @Slot()
    def _reset_sync(self) -> None:
        self._sync_used, self._sync_reset_queued = 0, False

    # ---- following the dataset -----------------------------------------------------------
    def _on_inserted(self, start: int, count: int) -> None:
        if self.enabled:
            self._structure_changed = True
            self._positions = None
        self._summaries[start:start] = [None] * count
        self._shift_dataset_rows(start, count)
        if not self.enabled:
            return
        self.recheck(start, start + count - 1)

    def _on_removed(self, start: int, count: int) -> None:
        for summary in self._summaries[start : start + count]:
            self._count(summary, -1)
        del self._summaries[start : start + count]
        self._shift_dataset_rows(start, -count)
        self._structure_changed = True
        self._positions = None
        if self.enabled:
            self.counts_changed.emit()
            self._schedule_dataset_check()

    def _on_changed(self, first: int, last: int) -> None:
        if self.enabled:
            self.recheck(first, last)
        else:
            self._forget(first, last)

    def _on_reset(self) -> None:
        self._structure_changed = True
        self._positions = None
        self._check_again()

    def _check_again(self) -> None:
        self._stop_workers()
        self._clear()
        if not self.enabled:
            return
        if self._worker is not None:
            self._restart = True
        else:
            QTimer.singleShot(0, self.start)

    def _shift_dataset_rows(self, start: int, delta: int) -> None:
        """Keep whole-file findings on their lines until they are recomputed."""
        if not self._dataset_by_row:
            return
        moved: dict[int, list[Problem]] = {}
        for row, found in self._dataset_by_row.items():
            if row < start:
                moved[row] = found
            elif delta > 0 or row >= start - delta:
                moved[row + delta] = found
        self._dataset_by_row = moved

    # ---- worker results ------------------------------------------------------------------
    @Slot(object)
    def _on_worker_progress(self, message: object) -> None:
        if not shiboken6.isValid(self):  # the document went away while work was queued
            return
        kind, payload = message[0], message[1]  # type: ignore[index]
        if kind == "lines":
            self._apply_lines(payload, message[2])  # type: ignore[index]
            self.progress_changed.emit(min(self._checked, self._total), self._total)
            return
        first, last = None, None
        dataset = self.dataset
        size = len(dataset)
        for index, record, summary in payload:
            # the record may have moved or changed meanwhile: keep only results that still fit
            if index < size and dataset[index] is record and self._summaries[index] is None:
                self._set(index, summary)
                first = index if first is None else min(first, index)
                last = index if last is None else max(last, index)
        self._checked += len(payload)
        gc_guard.settle(len(payload))  # these summaries live as long as the document
        if first is not None and last is not None:
            self.summaries_changed.emit(first, last)
            self.counts_changed.emit()
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
        self._positions = None
        restart, self._restart = self._restart, False
        if restart or (not self._stopped and any(s is None for s in self._summaries)):
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
            list(self._summaries),
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
        problems, self.voice_overview = result  # type: ignore[misc]
        self._dataset_problems = list(problems)
        by_row: dict[int, list[Problem]] = {}
        for problem in self._dataset_problems:
            if problem.line is not None and 0 < problem.line <= len(self._summaries):
                by_row.setdefault(problem.line - 1, []).append(problem)
        changed = set(by_row) | set(self._dataset_by_row)
        self._dataset_by_row = by_row
        if changed:
            self.summaries_changed.emit(min(changed), max(changed))
        self.dataset_problems_changed.emit()
        self.counts_changed.emit()

    # ---- bookkeeping ---------------------------------------------------------------------
    def _set(self, index: int, summary: RecordSummary | None) -> None:
        self._count(self._summaries[index], -1)
        self._summaries[index] = summary
        self._count(summary, +1)

    def _forget(self, first: int, last: int) -> None:
        for index in range(first, last + 1):
            self._set(index, None)
        self.summaries_changed.emit(first, last)

    def _count(self, summary: Any, sign: int) -> None:
        if summary is None:
            return
        for problem in summary.problems:
            if problem.severity is Severity.ERROR:
                self._errors += sign
            elif problem.severity is Severity.WARNING:
                self._warnings += sign

    def _clear(self) -> None:
        self._summaries = [None] * len(self.dataset)
        self._errors = self._warnings = 0
        self._dataset_problems = []
        self._dataset_by_row = {}
        if self._summaries:
            self.summaries_changed.emit(0, len(self._summaries) - 1)
        self.dataset_problems_changed.emit()
        self.counts_changed.emit()


def _at_line(problem: Problem, line: int) -> Problem:
    return problem if problem.line == line else replace(problem, line=line)
