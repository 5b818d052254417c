"""One open dataset: records, undo stack, file path, check results, review notes and autosave.

The window talks to a `Document`; the document talks to the core. Opening streams the file in on
a worker (rows appear at once), saving runs on the single writer thread from a snapshot, and a
recovery copy is written a few seconds after an edit. The modified flag follows the undo stack's
clean state (plus "never saved" for recovered or imported work).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QUndoStack

from desktop_app.core.dataset import recovery
from desktop_app.core.dataset.loader import LoadBatch, LoadResult, load_file
from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.review import (
    ReviewEntry,
    ReviewStore,
    SidecarMatcher,
    build_sidecar,
    write_sidecar,
)
from desktop_app.core.errors import DatasetSaveError
from desktop_app.core.files.atomic import remove_stale_temporaries, write_atomic
from desktop_app.core.models.catalog import DEFAULT_MODEL
from desktop_app.core.search.on_disk import DiskCopy, FileStamp, line_ends
from desktop_app.qt import gc_guard
from desktop_app.qt.analysis_store import AnalysisStore
from desktop_app.qt.tasks import (
    CancelToken,
    ProgressFn,
    TaskRunner,
    Worker,
    WorkerSignals,
)
from desktop_app.qt.text_search import TextSearch
from desktop_app.qt.waiting import run_and_wait

log = logging.getLogger(__name__)

LOAD_BREATH_MS = 10  # between load batches: time for the table to paint and the window to react
LARGE_FILE_BYTES = 20 * 1024 * 1024  # bigger files get a calmer autosave rhythm
LARGE_AUTOSAVE_SECONDS = 15.0


def _yielding(chunks: list[bytes]) -> Iterator[bytes]:
    """Chunks for a writer thread, handing the interpreter lock back now and then."""
    for number, chunk in enumerate(chunks):
        if number % 512 == 0:
            time.sleep(0)
        yield chunk


def save_files(
    path: Path,
    chunks: list[bytes],
    records: list[Record],
    entries: list[ReviewEntry | None],
    unmatched: list[dict[str, Any]],
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
    sections: dict[str, Any] | None = None,
) -> DiskCopy:
    """Writer thread: the dataset (atomically), then its review sidecar. Returns what the file
    now holds (`chunks` are the BOM if any, then each record's bytes and ending)."""
    remove_stale_temporaries(path)  # what killed saves of this file left behind
    written = write_atomic(path, _yielding(chunks))
    write_sidecar(path, build_sidecar(records, entries, unmatched, sections))
    start = len(chunks[0]) if len(chunks) % 2 else 0  # (a BOM comes first, on its own)
    ends = line_ends(chunks[1:] if start else chunks, start)
    return DiskCopy(path, FileStamp.of(written), records, ends, start)


def write_recovery_copy(
    file: Path,
    chunks: list[bytes],
    original: Path | None,
    records: list[Record],
    entries: list[ReviewEntry | None],
    unmatched: list[dict[str, Any]],
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
    sections: dict[str, Any] | None = None,
    suggested: Path | None = None,
) -> Path:
    review = build_sidecar(records, entries, unmatched, sections)
    recovery.write_recovery(
        file, _yielding(chunks), original_path=original, review=review, suggested_path=suggested
    )
    return file


class Document(QObject):
    """A dataset being edited in the window."""

    modified_changed = Signal(bool)
    path_changed = Signal()
    loading_changed = Signal(bool)
    load_progress = Signal(int, int)  # bytes read, total bytes
    loaded = Signal()
    load_failed = Signal(object)  # UserFacingError
    saved = Signal(object)  # Path
    save_failed = Signal(object)  # UserFacingError
    autosaved = Signal(object)  # Path of the recovery file

    def __init__(
        self,
        pools: TaskRunner,
        dataset: Dataset | None = None,
        *,
        model: str = DEFAULT_MODEL,
        provider: str = "openai",
        autosave_seconds: float = 3.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pools = pools
        self.dataset = dataset if dataset is not None else Dataset()
        self.undo_stack = QUndoStack(self)
        self.review = ReviewStore(self.dataset)
        self.analysis = AnalysisStore(
            self.dataset, pools, model=model, provider=provider, parent=self
        )
        self.search = TextSearch(pools, parent=self)  # the examples filter's searches
        self.recovery_file = recovery.new_recovery_file()
        self.never_saved = False  # recovered/imported work that has no file of its own yet
        # where Save As starts while it has no file (a repaired file: "… (repaired).jsonl")
        self.suggested_path: Path | None = None
        self.loading = False
        # the file the records were loaded from, as it was then: path, size, mtime_ns (None: not
        # loaded from a file, or it could not be looked at)
        self.source_file: tuple[Path, int, int] | None = None
        self._was_modified = False
        self._load_worker: Worker | None = None
        self._in_flight = threading.Semaphore(0)  # released once per load batch taken (loader.py)
        self._autosave_worker: Worker | None = None
        self._save_worker: Worker | None = None
        self._save_index = -1
        self._autosave_seconds = autosave_seconds
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self.undo_stack.cleanChanged.connect(self._update_modified)
        self.undo_stack.indexChanged.connect(self._on_edit)
        self.analysis.checking_changed.connect(self._on_checking_changed)

    # ---- creating ------------------------------------------------------------------------
    @classmethod
    def from_bytes(
        cls, pools: TaskRunner, data: bytes, *, path: Path | None = None, **kwargs: Any
    ) -> Document:
        doc = cls(pools, Dataset.from_bytes(data, path=path), **kwargs)
        return doc

    def start_checking(self) -> None:
        self.analysis.file_bytes = sum(len(r.raw) + len(r.ending) for r in self.dataset)
        self.analysis.start()

    def start_loading(self, path: Path) -> None:
        """Stream `path` into this (empty) document; rows appear batch by batch."""
        self.dataset.path = path
        self.loading = True
        self.loading_changed.emit(True)
        signals = WorkerSignals()
        signals.progress.connect(self._on_load_batch)
        signals.succeeded.connect(self._on_load_succeeded)
        signals.failed.connect(self._on_load_failed)
        signals.cancelled.connect(self._on_load_cancelled)
        self._in_flight = threading.Semaphore(0)
        self._load_worker = self.pools.run(
            load_file, path, signals=signals, in_flight=self._in_flight
        )

    def cancel_loading(self) -> None:
        if self._load_worker is not None:
            self._load_worker.cancel()

    @Slot(object)
    def _on_load_batch(self, batch: object) -> None:
        assert isinstance(batch, LoadBatch)
        dataset = self.dataset
        if len(dataset) == 0:
            # the first batch decides the file's style (endings, JSON spacing), like Dataset.open
            fresh = Dataset(batch.records, path=dataset.path, bom=batch.bom)
            dataset.ending, dataset.style, dataset.bom = fresh.ending, fresh.style, batch.bom
        dataset.insert_records(len(dataset), batch.records)
        gc_guard.settle(len(batch.records))  # the records live as long as the document
        self.load_progress.emit(batch.bytes_read, batch.total_bytes)
        # the next batch may come once the table has painted this one (see loader.py)
        QTimer.singleShot(LOAD_BREATH_MS, self._in_flight.release)

    @Slot(object)
    def _on_load_succeeded(self, result: object) -> None:
        assert isinstance(result, LoadResult)
        self._load_worker = None
        self.dataset.revision = 0
        self.review.load(result.matches, result.unmatched, result.sections)
        try:
            stat = result.path.stat()
            self.source_file = (result.path, stat.st_size, stat.st_mtime_ns)
        except OSError:
            self.source_file = None
        self.loading = False
        self.loading_changed.emit(False)
        self.loaded.emit()
        self.analysis.file_bytes = result.total_bytes
        self.search.disk = result.disk
        self.analysis.source_file = self.source_file
        self.analysis.start()

    @Slot(object)
    def _on_load_failed(self, error: object) -> None:
        self._load_worker = None
        self.loading = False
        self.loading_changed.emit(False)
        self.load_failed.emit(error)

    @Slot()
    def _on_load_cancelled(self) -> None:
        self._load_worker = None
        self.loading = False
        self.loading_changed.emit(False)
        self.load_failed.emit(None)

    @Slot(bool)
    def _on_checking_changed(self, checking: bool) -> None:
        # The search processes start once the first check is done: starting them while the file
        # opens would take cores the window needs then.
        if not checking:
            self.search.prepare()

    def load_review(self, sidecar: dict[str, Any] | None) -> None:
        """Match review entries (from a sidecar or a recovery file) to the records."""
        matcher = SidecarMatcher(sidecar)
        matcher.feed(0, list(self.dataset))
        self.review.load(*matcher.finish(), matcher.sections)

    # ---- state ---------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.dataset.path

    @property
    def display_name(self) -> str:
        named = self.path or self.suggested_path
        return named.name if named else "Untitled dataset"

    @property
    def is_modified(self) -> bool:
        return self.never_saved or not self.undo_stack.isClean()

    @property
    def busy_saving(self) -> bool:
        return self._save_worker is not None

    def mark_never_saved(self) -> None:
        self.never_saved = True
        self._update_modified()
        self._schedule_autosave()

    @Slot()
    def _update_modified(self) -> None:
        modified = self.is_modified
        if modified != self._was_modified:
            self._was_modified = modified
            self.modified_changed.emit(modified)
        if not modified:
            self._autosave_timer.stop()
            recovery.discard(self.recovery_file)

    @Slot()
    def _on_edit(self) -> None:
        self._schedule_autosave()

    # ---- saving --------------------------------------------------------------------------
    def save(self, path: Path | None = None) -> Worker:
        """Save on the writer thread; `saved` or `save_failed` follows."""
        args, kwargs = self._save_job(path)
        signals = WorkerSignals()
        signals.succeeded.connect(self._on_saved)
        signals.failed.connect(self._on_save_failed)
        worker = self.pools.run(save_files, *args, writer=True, signals=signals, **kwargs)
        self._save_worker = worker
        return worker

    def save_now(self, path: Path | None = None) -> None:
        """Save and wait for it (closing the window with Save); raises DatasetSaveError. The save
        runs on the writer thread, after any copy still being written; the window keeps painting
        meanwhile (qt/waiting.py)."""
        args, kwargs = self._save_job(path)
        try:
            saved = run_and_wait(self.pools, save_files, *args, writer=True, **kwargs)
        except DatasetSaveError:
            raise
        except Exception as exc:
            raise _save_error(exc) from exc
        self._after_save(saved)

    def _save_job(self, path: Path | None) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """What `save_files` needs: the target and a snapshot of the lines and review notes."""
        target = path or self.path
        if target is None:
            raise ValueError("saving needs a path for a dataset that was never saved")
        chunks = list(self.dataset.iter_bytes())
        records, entries, unmatched = self.review.snapshot()
        self._save_index = self.undo_stack.index()
        args = (target, chunks, records, entries, unmatched)
        return args, {"sections": dict(self.review.sections)}

    @Slot(object)
    def _on_saved(self, saved: object) -> None:
        self._save_worker = None
        assert isinstance(saved, DiskCopy)
        self._after_save(saved)

    def _after_save(self, saved: DiskCopy) -> None:
        path = saved.path
        self.search.disk = saved
        renamed = path != self.dataset.path
        self.dataset.path = path
        for record in self.dataset:
            record.edited = False
        self.never_saved = False
        if self.undo_stack.index() == self._save_index:
            self.undo_stack.setClean()
        self._update_modified()
        if renamed:
            self.path_changed.emit()
        self.saved.emit(path)

    @Slot(object)
    def _on_save_failed(self, error: object) -> None:
        self._save_worker = None
        if not isinstance(error, DatasetSaveError):
            error = _save_error(error)
        self.autosave_now()  # the edits are safe in the recovery copy while the user decides
        self.save_failed.emit(error)

    # ---- autosave ------------------------------------------------------------------------
    def autosave_interval_ms(self) -> int:
        size = self.analysis.file_bytes or 0
        seconds = LARGE_AUTOSAVE_SECONDS if size > LARGE_FILE_BYTES else self._autosave_seconds
        return int(max(seconds, self._autosave_seconds) * 1000)

    def _schedule_autosave(self) -> None:
        # not restarted by later edits: steady typing still gets a copy every few seconds
        if self.is_modified and not self._autosave_timer.isActive():
            self._autosave_timer.start(self.autosave_interval_ms())

    @Slot()
    def autosave_now(self) -> None:
        if not self.is_modified or self.loading:
            return
        if self._autosave_worker is not None:
            self._autosave_timer.start(500)  # one copy at a time; try again shortly
            return
        records, entries, unmatched = self.review.snapshot()
        signals = WorkerSignals()
        signals.succeeded.connect(self._on_autosaved)
        signals.failed.connect(self._on_autosave_failed)
        self._autosave_worker = self.pools.run(
            write_recovery_copy,
            self.recovery_file,
            list(self.dataset.iter_bytes()),
            self.path,
            records,
            entries,
            unmatched,
            writer=True,
            signals=signals,
            sections=dict(self.review.sections),
            suggested=self.suggested_path,
        )

    @Slot(object)
    def _on_autosaved(self, file: object) -> None:
        self._autosave_worker = None
        if not self.is_modified:
            recovery.discard(self.recovery_file)  # saved meanwhile: nothing to recover
        self.autosaved.emit(file)

    @Slot(object)
    def _on_autosave_failed(self, error: object) -> None:
        self._autosave_worker = None
        log.warning("writing the recovery copy failed: %s", error)

    # ---- closing -------------------------------------------------------------------------
    def close(self) -> None:
        """Stop everything this document started, without waiting for it (what is still running
        was cancelled, or is a save that completes on its own); the recovery copy goes."""
        self._autosave_timer.stop()
        self.cancel_loading()
        self.search.close()
        self.analysis.detach()
        self.review.detach()
        recovery.discard(self.recovery_file)
        if self._autosave_worker is not None:  # a copy still being written: remove it after
            self.pools.run(discard_recovery_copy, self.recovery_file, writer=True)


def discard_recovery_copy(file: Path, *, cancel: CancelToken, progress: ProgressFn) -> None:
    """Writer thread: remove a recovery copy once the copies queued before it are written."""
    recovery.discard(file)


def _save_error(error: object) -> DatasetSaveError:
    return DatasetSaveError(
        "The dataset could not be saved.",
        "Try Save As to save a copy elsewhere. Your edits are kept in the app.",
        technical=f"{type(error).__name__}: {error}",
    )
