"""Searching the dataset's file on disk in child processes, so the examples filter keeps up.

A case-insensitive search costs CPython about a nanosecond a byte (`bytes.lower()`, then
`bytes.find`): 0.2 s for a 200 MB dataset on one core, all of it holding the window's
interpreter lock. The file the window opened is still on disk, and in the system's file cache,
so child processes (one per core, at most four) each read their share of it there, a piece at a
time, and search it side by side; the window only joins their answers (a byte per line). No
copy of the text is kept anywhere.

The answer is only as good as the file: a `DiskCopy` is what the window read (where each line
ends, the records it made, and the file's size, time, inode and device), and a child answers
`None` when the file is not that one any more — its stamp changed, a piece does not end where a
line should, or a span's first or last line is not the record the window holds. The caller then
searches the lines in memory. Lines changed in the window since are never taken from the disk:
the caller matches those itself (records are compared by identity; a record's bytes never
change).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, cast

from desktop_app.core.dataset.records import Record
from desktop_app.core.processes import spawn_child
from desktop_app.core.search.query import Query, block_hits, plain_needles

log = logging.getLogger(__name__)

PIECE_BYTES = 64 * 1024  # read and searched at a time: fits the CPU's cache, so lower() is quick
MAX_PROCESSES = 4
STOP_WAIT_S = 2.0
POLL_S = 0.02  # how often a waiting search looks at its cancel flag


class SearchCancelled(Exception):
    """The search was cancelled (a newer one replaced it)."""


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What tells one version of a file from another without reading it."""

    size: int
    mtime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileStamp:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev)


@dataclass(frozen=True, slots=True)
class Span:
    """Whole lines of the file for one child: line i ends at `ends[i]` (a file offset)."""

    start: int
    ends: array[int]
    head: bytes  # the first line's bytes as the window holds them (without the line ending)
    tail: bytes  # the last line's


@dataclass(frozen=True, slots=True)
class DiskCopy:
    """The file as the window read or saved it: `records[i]` is line i, ending at `ends[i]`."""

    path: Path
    stamp: FileStamp
    records: Sequence[Record]
    ends: array[int]
    start: int  # where the first line begins (after a byte order mark)
    _spans: dict[int, list[Span]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def size(self) -> int:
        return self.ends[-1] - self.start if self.ends else 0

    def unchanged(self) -> bool:
        """Whether the file on disk still has this copy's stamp."""
        try:
            return FileStamp.of(self.path.stat()) == self.stamp
        except OSError:
            return False

    def spans(self, parts: int) -> list[Span]:
        """The lines cut into at most `parts` spans of about equal bytes, in order."""
        cached = self._spans.get(parts)
        if cached is None:
            cached = self._spans[parts] = self._cut(parts)
        return cached

    def _cut(self, parts: int) -> list[Span]:
        ends, records = self.ends, self.records
        spans: list[Span] = []
        first = 0
        for part in range(1, parts + 1):
            if first >= len(ends):
                break
            target = self.start + self.size * part // parts
            last = len(ends) if part == parts else max(first + 1, bisect_right(ends, target))
            start = ends[first - 1] if first else self.start
            spans.append(Span(start, ends[first:last], records[first].raw, records[last - 1].raw))
            first = last
        return spans


def line_ends(chunks: Iterable[bytes], start: int) -> array[int]:
    """Where each line ends in a file written as `chunks` (raw, ending, raw, ending, ...) after
    `start` bytes (a byte order mark)."""
    ends = array("q")
    offset = start
    for number, chunk in enumerate(chunks):
        offset += len(chunk)
        if number % 2:
            ends.append(offset)
    return ends


# ---- in the child ------------------------------------------------------------------------------
def search_span(
    path: str, stamp: FileStamp, span: Span, query: Query, stop: Callable[[], bool] | None = None
) -> bytearray | None:
    """1 for each line of the span containing the query's text, else 0; None for another file.

    Raises SearchCancelled when `stop()` says so (asked between pieces).
    """
    needles = plain_needles(query.text) if not query.regex else None
    matcher = None if needles is not None else query.matcher()
    ends = span.ends
    hits = bytearray(len(ends))
    with open(path, "rb") as handle:
        if FileStamp.of(os.fstat(handle.fileno())) != stamp:
            return None
        handle.seek(span.start)
        base, line = span.start, 0
        while line < len(ends):
            if stop is not None and stop():
                raise SearchCancelled
            last = max(line + 1, bisect_right(ends, base + PIECE_BYTES, line))
            block = handle.read(ends[last - 1] - base)
            if not _whole_lines(block, base, ends, last, stamp.size, span, line == 0):
                return None
            if needles is not None:
                block_hits(block, base, ends, range(line, last), needles, hits)
            else:
                assert matcher is not None
                _match_lines(block, matcher, line, last, hits)
            base, line = ends[last - 1], last
        if FileStamp.of(os.fstat(handle.fileno())) != stamp:
            return None
    return hits


def _whole_lines(
    block: bytes, base: int, ends: array[int], last: int, size: int, span: Span, first: bool
) -> bool:
    """Whether the block is the lines the window has there (ends on a newline, same edges)."""
    if len(block) != ends[last - 1] - base:
        return False
    if not block.endswith(b"\n") and ends[last - 1] != size:
        return False
    if first and not block.startswith(span.head):
        return False
    if last == len(ends):
        begin = ends[last - 2] - base if last >= 2 else 0
        return block.startswith(span.tail, begin)
    return True


def _match_lines(
    block: bytes, matcher: Callable[[bytes], bool], first: int, last: int, hits: bytearray
) -> None:
    """The slow way (regular expressions, non-ASCII text): each line decoded and tested."""
    lines = block.split(b"\n")
    if block.endswith(b"\n"):
        lines.pop()
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    else:  # the file's last line has no newline: a carriage return there is its own
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines[:-1]] + lines[-1:]
    for offset, raw in enumerate(lines[: last - first]):
        if matcher(raw):
            hits[first + offset] = 1


def serve(conn: Connection) -> None:
    """A child's loop: one answer per search, until "stop" or the window is gone."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        if message[0] != "search":
            continue  # a cancel for a search already answered
        _op, request, path, stamp, span, query = message
        try:
            result: Any = (
                "done",
                search_span(path, stamp, span, query, _stop_check(conn, request)),
            )
        except SearchCancelled:
            result = ("cancelled", None)
        except _Stopped:
            return
        except OSError:
            result = ("done", None)  # the file cannot be read: the window searches in memory
        except Exception as exc:  # reported; the window searches in memory instead
            log.debug("a search failed", exc_info=True)
            result = ("failed", f"{type(exc).__name__}: {exc}")
        try:
            conn.send((request, *result))
        except OSError:
            return


class _Stopped(Exception):
    pass


def _stop_check(conn: Connection, request: int) -> Callable[[], bool]:
    def stopped() -> bool:
        while conn.poll(0):
            message = conn.recv()
            if message[0] == "stop":
                raise _Stopped
            if message[0] == "cancel" and message[1] == request:
                return True
        return False

    return stopped


# ---- in the window ---------------------------------------------------------------------------
@dataclass
class _Child:
    process: Any
    conn: Connection


class SearchProcesses:
    """The window's side: children started on demand, one search at a time, thread-safe."""

    def __init__(self, count: int | None = None) -> None:
        self.count = count or max(1, min(MAX_PROCESSES, os.cpu_count() or 1))
        self._lock = threading.Lock()
        self._children: list[_Child] = []
        self._ids = itertools.count(1)

    @property
    def running(self) -> bool:
        return len(self._children) == self.count and all(
            c.process.is_alive() for c in self._children
        )

    def start(self) -> None:
        """Start the children now (each takes its caller ~0.1 s: call it off the GUI thread)."""
        with self._lock:
            self._ensure_running()

    def search(
        self, copy: DiskCopy, query: Query, cancelled: Callable[[], bool]
    ) -> bytearray | None:
        """A byte per line of `copy` (1: the line contains the text); None when the file on
        disk is not that copy or a child failed. Raises SearchCancelled."""
        with self._lock:
            self._ensure_running()
            spans = copy.spans(self.count)
            request = next(self._ids)
            busy: dict[Connection, int] = {}
            for part, (child, span) in enumerate(zip(self._children, spans, strict=False)):
                message = ("search", request, str(copy.path), copy.stamp, span, query)
                if not self._send(child, message):
                    return None
                busy[child.conn] = part
            return self._gather(request, busy, len(spans), cancelled)

    def close(self) -> None:
        with self._lock:
            for child in self._children:
                _stop(child)
            self._children = []

    def _gather(
        self,
        request: int,
        busy: dict[Connection, int],
        parts: int,
        cancelled: Callable[[], bool],
    ) -> bytearray | None:
        answers: list[Any] = [None] * parts
        asked_to_cancel = failed = False
        while busy:
            if not asked_to_cancel and cancelled():
                asked_to_cancel = True
                for conn in busy:
                    with contextlib.suppress(OSError):
                        conn.send(("cancel", request))
            for ready in wait(list(busy), POLL_S):
                conn = cast(Connection, ready)
                try:
                    answer = conn.recv()
                except (EOFError, OSError):
                    failed = True  # the child died: started again next time
                    busy.pop(conn)
                    continue
                if answer[0] != request:
                    continue  # an answer to a cancelled search, arriving late
                part = busy.pop(conn)
                status, payload = answer[1], answer[2]
                if status == "failed":
                    log.warning("a search process failed: %s", payload)
                answers[part] = payload if status == "done" else None
                failed |= status not in ("done", "cancelled")
        if asked_to_cancel:
            raise SearchCancelled
        if failed or any(a is None for a in answers):
            return None
        return bytearray().join(answers)

    def _ensure_running(self) -> None:
        alive = [c for c in self._children if c.process.is_alive()]
        for child in self._children:
            if child not in alive:
                _stop(child)
        self._children = alive
        while len(self._children) < self.count:
            process, parent = spawn_child(serve, "finetune-studio-search")
            self._children.append(_Child(process, parent))

    def _send(self, child: _Child, message: tuple[Any, ...]) -> bool:
        try:
            child.conn.send(message)
        except OSError:
            _stop(child)
            self._children.remove(child)
            return False
        return True


def _stop(child: _Child) -> None:
    with contextlib.suppress(OSError):
        child.conn.send(("stop",))
    child.conn.close()
    child.process.join(STOP_WAIT_S)
    if child.process.is_alive():
        child.process.kill()
        child.process.join(STOP_WAIT_S)
