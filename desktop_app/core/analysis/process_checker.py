"""The first check of a big file, in separate processes, so the window never waits for it.

Checking is pure Python; a thread doing it would hold the interpreter lock and every paint of
the window would queue behind it (measured: stalls of seconds on a 200 MB file). Here child
processes (spawned, never forked: the GUI process has threads) read byte ranges of the file from
disk and return their summaries; this worker function, on a pool thread, only receives them.
Ranges and line numbers are exactly those of `desktop_app.core.analysis.analyzer.analyze_file`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.analysis.analyzer import (
    BOM,
    RANGE_BYTES,
    RangeWork,
    run_range,
    split_ranges,
)
from desktop_app.core.analysis.record_summary import summaries_from_tuples
from desktop_app.core.cancel import CancelToken
from desktop_app.core.processes import process_pool, slightly_lower_priority

MIN_BYTES = 2 * 1024 * 1024  # smaller files are checked on a thread: starting processes costs more


def process_count() -> int:
    """One per core, as `ftstudio validate` uses. The children run at a lower priority
    (`lower_priority`), so the window still gets a core the moment it needs one; leaving a
    core idle instead made the first check of a 2-core machine take 1.4–1.8× validate's time."""
    return max(1, os.cpu_count() or 1)


def check_file_in_processes(
    path: Path,
    model: str,
    provider: str,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> int:
    """Report ("lines", first_index, summaries) per byte range, in file order; returns lines."""
    with path.open("rb") as handle:
        bom = handle.read(len(BOM)) == BOM
        size = os.fstat(handle.fileno()).st_size
    start = len(BOM) if bom else 0
    ranges = split_ranges(path, start, size, RANGE_BYTES)
    work = RangeWork(str(path), model, provider, True)
    first = 0
    with process_pool(
        min(process_count(), len(ranges)), initializer=slightly_lower_priority
    ) as pool:
        for result in pool.imap(functools.partial(run_range, work), ranges):
            if cancel.cancelled:
                break
            count, summaries = summaries_from_tuples(result)
            progress(("lines", first, summaries))
            first += count
    return first
