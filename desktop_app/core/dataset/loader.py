"""Reading a dataset file in batches on a worker, so the first rows show while the rest loads.

The split into records is exactly `Dataset.open`'s (same line endings, BOM and last-line rules);
only the delivery differs: the first batch is small so the table fills at once, later batches are
bigger. Review entries from the sidecar are matched to lines while they stream by.

Reader and window take turns: after sending a batch the reader waits until the window has taken
and painted it (the window releases `in_flight`), and only then reads on. A reader running ahead
floods the event queue (measured: the window handled hundreds of batches back to back, 300 ms
without painting) or competes for the interpreter lock while the table paints (60-100 ms).
"""

from __future__ import annotations

import os
import threading
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from desktop_app.core.cancel import CancelToken
from desktop_app.core.dataset.records import (
    BOM,
    Record,
    RecordChunks,
    open_error,
    require_regular_file,
)
from desktop_app.core.dataset.review import ReviewEntry, SidecarMatcher, read_sidecar
from desktop_app.core.files.atomic import remove_stale_temporaries
from desktop_app.core.search.on_disk import DiskCopy, FileStamp

FIRST_CHUNK = 256 * 1024
CHUNK = 1024 * 1024
PAUSE_S = 0.0005  # between chunks: the GUI thread gets the interpreter lock without waiting
BATCH_RECORDS = 2000  # records per batch after the first (which is one small chunk)
WAIT_S = 0.05  # how often a waiting reader looks at the cancel flag


@dataclass(slots=True)
class LoadBatch:
    records: list[Record]
    bom: bool
    bytes_read: int
    total_bytes: int


@dataclass(slots=True)
class LoadResult:
    path: Path
    total_bytes: int
    matches: dict[int, ReviewEntry] = field(default_factory=dict)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    disk: DiskCopy | None = None  # what was read, for searching the file itself (None: changed)
    sections: dict[str, Any] = field(default_factory=dict)  # file-wide sidecar sections


def load_file(
    path: Path,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
    in_flight: threading.Semaphore | None = None,
) -> LoadResult:
    """Stream `path` as LoadBatch progress reports; returns the sidecar matches at the end.

    With `in_flight` (a Semaphore(0)), the reader waits after each batch until the receiver
    releases it once.
    """
    require_regular_file(path)  # a FIFO or a device is refused at once, not waited on
    remove_stale_temporaries(path)  # what killed saves of this file left behind
    matcher = SidecarMatcher(read_sidecar(path))
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise open_error(path, exc) from exc
    with handle:
        stamp = _stamp(handle)
        total = stamp.size if stamp is not None else 0
        ends = array("q")  # where each line ends in the file, as read
        everything: list[Record] = []
        index = 0
        pending: list[Record] = []
        chunks = RecordChunks(handle, CHUNK, first_size=FIRST_CHUNK)
        cancel.raise_if_cancelled()
        try:
            for records in chunks:
                offset = _last(ends, chunks.bom)
                ends.extend(
                    offset + n for n in accumulate(len(r.raw) + len(r.ending) for r in records)
                )
                if records:
                    everything += records
                    matcher.feed(index, records)
                    index += len(records)
                    pending += records
                first_batch = index == len(pending)  # nothing sent yet: show rows at once
                if pending and (first_batch or len(pending) >= BATCH_RECORDS):
                    batch = LoadBatch(pending[:BATCH_RECORDS], chunks.bom, chunks.bytes_read, total)
                    _hand_over(batch, progress, in_flight, cancel)
                    del pending[:BATCH_RECORDS]
                # a real pause, not sleep(0): a thread that only yields takes the lock straight
                # back, and every paint of the table would queue behind this loop (STYLE.md P2/P6)
                time.sleep(PAUSE_S)
                cancel.raise_if_cancelled()
        except OSError as exc:  # a read failed (a network drive went away)
            raise open_error(path, exc) from exc
        while pending:
            batch = LoadBatch(pending[:BATCH_RECORDS], chunks.bom, chunks.bytes_read, total)
            _hand_over(batch, progress, in_flight, cancel)
            del pending[:BATCH_RECORDS]
        same = stamp is not None and _stamp(handle) == stamp
        bom = chunks.bom
    matches, unmatched = matcher.finish()
    start = len(BOM) if bom else 0
    disk = DiskCopy(path, stamp, everything, ends, start) if same and stamp else None
    return LoadResult(path, total, matches, unmatched, disk, matcher.sections)


def _last(ends: array[int], bom: bool) -> int:
    return ends[-1] if ends else (len(BOM) if bom else 0)


def _hand_over(
    batch: LoadBatch,
    progress: Callable[[object], None],
    in_flight: threading.Semaphore | None,
    cancel: CancelToken,
) -> None:
    """Send a batch, then wait until the receiver has taken it (if it gives the signal)."""
    progress(batch)
    if in_flight is None:
        return
    while not in_flight.acquire(timeout=WAIT_S):
        cancel.raise_if_cancelled()


def _stamp(handle: Any) -> FileStamp | None:
    try:
        return FileStamp.of(os.fstat(handle.fileno()))
    except OSError:
        return None
