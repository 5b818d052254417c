"""The app's child processes, and the few threads core code needs, made in this one module.

`ProcessServices` holds the long-lived children: the checker process (checks lines and counts
tokens for the window, `checker_process.py`) and the search processes (the examples filter on a
big file, `file_search.py`). Whoever builds it starts and stops it and passes it in: `app.py`
for the window, the command line for `ftstudio`, a fixture in tests. Nothing here is global.

The functions below are the only places in `desktop_app` that make a process, a process pool
or a thread (the practice server's HTTP threads aside; the window's pool threads are Qt's, in
`desktop_app/qt/tasks.py`). A test greps the code to keep it so.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor
    from multiprocessing.connection import Connection
    from multiprocessing.pool import Pool
    from multiprocessing.process import BaseProcess

    from desktop_app.core.analysis.checker_process import CheckerProcess
    from desktop_app.core.search.on_disk import SearchProcesses

log = logging.getLogger(__name__)

BACKGROUND_NICENESS = 10  # children's priority below the window's (Unix `nice`)
CHECK_NICENESS = 1  # the first check's processes: below the window, not far below other programs


class ProcessServices:
    """The checker process and the search processes, each started on first use.

    Thread-safe. `close()` stops every child that was started (the app's exit, the end of a
    command, a test); a later use would start them again.
    """

    def __init__(self, *, search_count: int | None = None) -> None:
        self._lock = threading.Lock()
        self._search_count = search_count
        self._checker: CheckerProcess | None = None
        self._search: SearchProcesses | None = None

    @property
    def checker(self) -> CheckerProcess:
        from desktop_app.core.analysis.checker_process import CheckerProcess

        with self._lock:
            if self._checker is None:
                self._checker = CheckerProcess()
            return self._checker

    @property
    def search(self) -> SearchProcesses:
        from desktop_app.core.search.on_disk import SearchProcesses

        with self._lock:
            if self._search is None:
                self._search = SearchProcesses(self._search_count)
            return self._search

    def close(self) -> None:
        with self._lock:
            made = [self._checker, self._search]
        for service in made:
            if service is not None:
                service.close()

    def __enter__(self) -> ProcessServices:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# ---- the primitives ---------------------------------------------------------------------------
def spawn_child(
    target: Callable[[Connection], None], name: str, *, lower: bool = False
) -> tuple[BaseProcess, Connection]:
    """Start `target(connection)` in a spawned child (never forked: the window has threads).

    Returns the process and this side's end of the pipe. `lower`: the child runs at a lower
    priority than the window from its first moment (its imports cost ~0.3 s of CPU).
    """
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(child,), name=name, daemon=True)
    process.start()
    if lower and process.pid is not None:
        lower_priority(process.pid)
    child.close()
    return process, parent


@contextlib.contextmanager
def process_pool(
    count: int, *, initializer: Callable[[], None] | None = None, fork_ok: bool = False
) -> Iterator[Pool]:
    """A pool of `count` worker processes, terminated when the block ends.

    `fork_ok`: fork on Linux when this process runs no other thread (the command line: quick,
    and the children share what is already loaded); otherwise, and always with threads, spawn.
    """
    single = threading.active_count() == 1
    method = "fork" if fork_ok and sys.platform == "linux" and single else "spawn"
    pool = multiprocessing.get_context(method).Pool(count, initializer=initializer)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def request_threads(count: int, name: str) -> ThreadPoolExecutor:
    """Threads for parallel network requests from core code (a comparison run's prompts)."""
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=count, thread_name_prefix=name)


def in_background(fn: Callable[..., Any], *args: Any, name: str) -> None:
    """Run a short job of a core object on a daemon thread and return at once.

    For work the window must not wait for that no Qt code starts (starting the checker
    process takes its caller ~100 ms).
    """
    threading.Thread(target=fn, args=args, name=name, daemon=True).start()


def lower_priority(pid: int = 0, niceness: int = BACKGROUND_NICENESS) -> None:
    """Let the window come first when both want a core (building a tokenizer takes ~1 s of CPU;
    on a 2-core machine the window stalled meanwhile). `pid` 0: this process. Not available on
    Windows: no change there."""
    if not hasattr(os, "setpriority"):
        return
    with contextlib.suppress(OSError):
        current = os.getpriority(os.PRIO_PROCESS, pid)
        os.setpriority(os.PRIO_PROCESS, pid, max(current, niceness))


def slightly_lower_priority() -> None:
    """For the first check of a big file (`process_checker.py`): the window still comes first,
    but another busy program does not starve the check (at BACKGROUND_NICENESS the check took
    1.5–2.2× validate's time beside a program that kept a core busy; at CHECK_NICENESS 1.2–1.3×,
    the window's longest stall staying under 40 ms: benchmarks/README.md)."""
    lower_priority(0, CHECK_NICENESS)
