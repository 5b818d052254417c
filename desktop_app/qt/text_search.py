"""Answering the examples filter's text searches without holding up the window.

A few megabytes are searched at once (a few milliseconds). More is searched off the GUI thread:
the file on disk, in the search processes (`desktop_app/core/search/on_disk.py`), when the window
knows what the file holds (`disk`: set when the file was opened or saved); otherwise the lines
in memory, a slice at a time between events (a thread would hold the interpreter lock while the
window paints). A new search replaces the one running. Answers arrive through `found`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.core.dataset.records import Record
from desktop_app.core.search.on_disk import DiskCopy, SearchCancelled, SearchProcesses
from desktop_app.core.search.query import Matcher, Query, matching_rows
from desktop_app.qt.tasks import Cancelled, CancelToken, TaskRunner, Worker, WorkerSignals

log = logging.getLogger(__name__)

AT_ONCE_BYTES = 8 * 1024 * 1024  # searched on the spot: about 8 ms
# A file slower to search on disk than this (a network drive, say) is searched in memory after:
# slices in the window take ~2 ns a byte (measured), so twice that, and never under a second.
SLOW_DISK_S = 1.0
MEMORY_S_PER_BYTE = 2e-9
SLICE_S = 0.008  # a search of the lines in memory runs this long per turn of the event loop
SLICE_LINES = 256  # lines between looks at the clock


@dataclass(frozen=True, slots=True)
class SearchResult:
    """`hits[i]` is 1 when `records[i]` contains the query's text."""

    query: Query
    records: Sequence[Record]
    hits: bytearray


class TextSearch(QObject):
    """The examples filter's searches for one document."""

    found = Signal(object)  # SearchResult

    def __init__(
        self,
        tasks: TaskRunner,
        processes: SearchProcesses | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.disk: DiskCopy | None = None
        self.at_once_bytes = AT_ONCE_BYTES
        self.tasks = tasks  # its searches run one at a time, in the runner's search lane
        self._processes = processes
        self._run: _DiskRun | None = None
        self._starter: Worker | None = None  # kept: the pool does not own what it runs
        self._slices: _Slices | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    @property
    def processes(self) -> SearchProcesses:
        if self._processes is None:
            self._processes = self.tasks.processes.search
        return self._processes

    @property
    def busy(self) -> bool:
        return self._run is not None or self._slices is not None

    def prepare(self) -> None:
        """Start the search processes in the background if this file will need them."""
        disk = self.disk
        if disk is None or disk.size <= self.at_once_bytes or self.processes.running:
            return
        if self._starter is None or self._starter.done.is_set():
            self._starter = Worker(_start, self.processes)
            self.tasks.start(self._starter, lane="search", owner=self)

    def find(
        self, query: Query, records: Sequence[Record], within: bytearray | None = None
    ) -> SearchResult | None:
        """The answer now when it is quick; otherwise None, and `found` brings it later (unless
        another search replaces this one). `within`: only these lines can match."""
        self.cancel()
        disk = self.disk
        if within is None and disk is not None and _estimate(disk, records) > self.at_once_bytes:
            self._run = _DiskRun(self, query, disk, records)  # (no need to look at the lines)
            return None
        matcher = query.matcher()
        assert matcher is not None
        raws = [r.raw for r in records]
        size = sum(map(len, raws if within is None else compress(raws, within)))
        if size <= self.at_once_bytes:
            return SearchResult(query, records, matching_rows(matcher, raws, within))
        if disk is not None:
            self._run = _DiskRun(self, query, disk, records)
        else:
            self._search_memory(_Slices(query, records, raws, matcher, within))
        return None

    def cancel(self) -> None:
        if self._run is not None:
            self._run.cancel()
            self._run = None
        self._slices = None
        self._timer.stop()

    def close(self) -> None:
        """Stop searching (the document closes), without waiting: a cancelled search on disk
        ends within a poll (the search processes drop its late answers), and starting the
        processes, which can take a second, is app-wide work that finishes on its own. The
        window used to wait for both here, up to 5 s, when a file was switched just then."""
        self.cancel()
        self.tasks.cancel_all(self)

    # ---- the file on disk, in processes ----------------------------------------------------
    def _disk_answered(self, run: _DiskRun, hits: bytearray | None) -> None:
        if run is not self._run:
            return
        self._run = None
        if hits is not None:
            self._judge_speed(run)
            self.found.emit(SearchResult(run.query, run.disk.records, hits))
            return
        if self.disk is run.disk and not run.disk.unchanged():
            self.disk = None  # changed on disk: search the lines in memory from now on
        self._fall_back(run)

    def _judge_speed(self, run: _DiskRun) -> None:
        took = time.perf_counter() - run.started
        slow = max(SLOW_DISK_S, 2 * MEMORY_S_PER_BYTE * run.disk.size)
        if run.warm and took > slow and self.disk is run.disk:
            log.info(
                "searching the file on disk took %.1f s: searching in memory from now on", took
            )
            self.disk = None

    def _disk_failed(self, run: _DiskRun, error: object) -> None:
        if run is self._run:
            log.warning("searching the file on disk failed, searching in memory: %s", error)
            self._run = None
            self._fall_back(run)

    def _fall_back(self, run: _DiskRun) -> None:
        matcher = run.query.matcher()
        assert matcher is not None
        raws = [r.raw for r in run.records]
        self._search_memory(_Slices(run.query, run.records, raws, matcher, None))

    # ---- the lines in memory, in slices ----------------------------------------------------
    def _search_memory(self, work: _Slices) -> None:
        self._slices = work
        self._timer.start()

    @Slot()
    def _step(self) -> None:
        work = self._slices
        if work is None:
            return
        if work.advance(time.perf_counter() + SLICE_S):
            self._slices = None
            self.found.emit(SearchResult(work.query, work.records, work.hits))
        else:
            self._timer.start()


class _Slices:
    """A search of lines in memory, done a slice at a time."""

    def __init__(
        self,
        query: Query,
        records: Sequence[Record],
        raws: list[bytes],
        matcher: Matcher,
        within: bytearray | None,
    ) -> None:
        self.query, self.records, self.raws = query, records, raws
        self.matcher, self.within = matcher, within
        self.hits = bytearray(len(raws))
        self.at = 0

    def advance(self, until: float) -> bool:
        """Search on until the clock passes `until`; True when every line has been searched."""
        raws, total = self.raws, len(self.raws)
        while self.at < total:
            end = min(total, self.at + SLICE_LINES)
            within = self.within[self.at : end] if self.within is not None else None
            found = matching_rows(self.matcher, raws[self.at : end], within)
            self.hits[self.at : end] = found
            self.at = end
            if time.perf_counter() > until:
                break
        return self.at >= total


class _DiskRun(QObject):
    """One search of the file on disk, on the search's worker thread."""

    def __init__(
        self, search: TextSearch, query: Query, disk: DiskCopy, records: Sequence[Record]
    ) -> None:
        super().__init__(search)
        self.search, self.query, self.disk = search, query, disk
        self.records = records  # what to search in memory if the file lets us down
        self.warm = search.processes.running  # (a first search also waits for them to start)
        self.started = time.perf_counter()
        self.signals = WorkerSignals()
        self.signals.succeeded.connect(self._on_succeeded)
        self.signals.failed.connect(self._on_failed)
        self.signals.finished.connect(self.deleteLater)
        self.worker = Worker(_search_disk, search.processes, disk, query, signals=self.signals)
        search.tasks.start(self.worker, lane="search", owner=search)

    def cancel(self) -> None:
        self.worker.cancel()

    @Slot(object)
    def _on_succeeded(self, hits: object) -> None:
        self.search._disk_answered(self, hits if isinstance(hits, bytearray) else None)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.search._disk_failed(self, error)


def _estimate(disk: DiskCopy, records: Sequence[Record]) -> int:
    """About how many bytes `records` hold, from the file's average line (quicker than adding
    up 100,000 lengths on every letter typed)."""
    return disk.size * len(records) // max(1, len(disk.records))


def _search_disk(
    processes: SearchProcesses,
    disk: DiskCopy,
    query: Query,
    *,
    cancel: CancelToken,
    progress: object,
) -> bytearray | None:
    try:
        return processes.search(disk, query, lambda: cancel.cancelled)
    except SearchCancelled:
        raise Cancelled from None


def _start(processes: SearchProcesses, *, cancel: CancelToken, progress: object) -> None:
    processes.start()
