"""One long-lived child process that checks lines and counts tokens, so the window never does.

Building a tiktoken encoding holds the interpreter lock for about 0.3 s (tiktoken's Rust
constructor) and costs ~75 MB; any thread of the window's process doing it freezes the window
that long (measured). Here the encodings live in a child process (spawned, never forked: the
window's process has threads); workers send lines (an edit's re-check takes ~2 ms there and
back), and the editor's token counts wait at most a few tens of milliseconds for an answer.

Calls are synchronous and thread-safe (one at a time, under a lock). `ready(model, provider)`
says whether the child already holds that model's checker, so the window calls only when the
answer comes at once; otherwise it asks for a warm-up (`warm`, which never waits) and asks later.
A child that died is started again by the next call; a call it dies during raises
`CheckerUnavailable`.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from desktop_app.core.errors import UserFacingError
from desktop_app.core.processes import in_background, lower_priority, spawn_child

if TYPE_CHECKING:
    from desktop_app.core.analysis.analyzer import Analyzer, RecordSummary
    from desktop_app.core.tokens.counts import ExampleTokens

log = logging.getLogger(__name__)

Key = tuple[str, str]  # model, provider
STOP_WAIT_S = 2.0
CALL_RECORDS = 32  # records per call from a worker: an edit meanwhile waits at most one call


class CheckerUnavailable(Exception):
    """The checker process is busy, starting or gone; try again later (on a worker)."""


class CheckerProcess:
    """The client side: start, call, stop. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self._ids = itertools.count(1)
        self._ready: set[Key] = set()
        self._warming: set[Key] = set()

    # ---- asking ----------------------------------------------------------------------------
    def ready(self, model: str, provider: str) -> bool:
        """Whether the child holds this checker now (answers without waiting)."""
        key = (model, provider)
        if key in self._ready and self.running:
            return True
        if self._lock.acquire(blocking=False):
            try:
                if not self.running:
                    self._ready.clear()
                self._drain()
            finally:
                self._lock.release()
        return key in self._ready

    def warm(self, model: str, provider: str) -> None:
        """Have the child build this checker in the background; returns at once.

        A child not running yet, or busy with another call, is asked on a short-lived thread:
        starting a process takes the calling thread ~100 ms (measured), and a call in progress
        can take a second (building a tokenizer), too long for the window to wait.
        """
        key = (model, provider)
        if key in self._ready or key in self._warming:
            return
        self._warming.add(key)
        if self.running and self._lock.acquire(blocking=False):
            try:
                self._send_warm_locked(key)
            finally:
                self._lock.release()
            return
        in_background(self._send_warm, key, name="checker-start")

    def _send_warm(self, key: Key) -> None:
        with self._lock:
            self._send_warm_locked(key)

    def _send_warm_locked(self, key: Key) -> None:
        try:
            self._send(next(self._ids), "warm", key, None)  # starts the child if needed
        except CheckerUnavailable:
            self._warming.discard(key)
            return
        self._warming.add(key)

    def records(
        self,
        model: str,
        provider: str,
        items: Sequence[tuple[bytes, int]],
        *,
        wait: float | None = None,
    ) -> list[RecordSummary]:
        """Summaries of (raw line, line number) items, in order."""
        from desktop_app.core.analysis.analyzer import RecordSummary

        rows = self._call("records", (model, provider), list(items), wait)
        return [RecordSummary(*row) for row in rows]

    def count_examples(
        self, model: str, provider: str, values: Sequence[Any], *, wait: float | None = None
    ) -> list[ExampleTokens | None]:
        """TokenCounter.count_example for each value."""
        return list(self._call("count", (model, provider), list(values), wait))

    # ---- the child's life ------------------------------------------------------------------
    def close(self) -> None:
        """Stop the child (the app's exit; tests)."""
        with self._lock:
            self._stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _start(self) -> None:
        process, parent = spawn_child(serve, "finetune-studio-checker", lower=True)
        self._process, self._conn = process, parent
        self._ready.clear()
        self._warming.clear()

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._ready.clear()
        self._warming.clear()
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send((0, "stop", None, None))
            conn.close()
        if process is not None:
            process.join(STOP_WAIT_S)
            if process.is_alive():
                process.kill()
                process.join(STOP_WAIT_S)

    # ---- the wire --------------------------------------------------------------------------
    def _call(self, op: str, key: Key, payload: Any, wait: float | None) -> Any:
        if wait is None:
            self._lock.acquire()
        elif not self._lock.acquire(timeout=wait):
            raise CheckerUnavailable("the checker is busy")
        try:
            request = next(self._ids)
            self._send(request, op, key, payload)
            return self._receive(request, None if wait is None else time.monotonic() + wait)
        finally:
            self._lock.release()

    def _send(self, request: int, op: str, key: Key, payload: Any) -> None:
        if not self.running:
            self._stop()
            self._start()
        assert self._conn is not None
        try:
            self._conn.send((request, op, key, payload))
        except OSError as exc:
            self._stop()
            raise CheckerUnavailable("the checker stopped") from exc

    def _receive(self, request: int, deadline: float | None) -> Any:
        conn = self._conn
        assert conn is not None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                if not conn.poll(timeout):
                    raise CheckerUnavailable("the checker is busy")  # its answer is read later
                answer = conn.recv()
            except (OSError, EOFError) as exc:
                self._stop()
                raise CheckerUnavailable("the checker stopped") from exc
            if self._take(answer) == request:
                return _result(answer)

    def _drain(self) -> None:
        conn = self._conn
        if conn is None:
            return
        try:
            while conn.poll(0):
                self._take(conn.recv())
        except (OSError, EOFError):
            self._stop()

    def _take(self, answer: tuple[int, Key | None, bool, Any]) -> int:
        request, key, _ok, _payload = answer
        if key is not None:
            self._ready.add(key)
            self._warming.discard(key)
        return request


def _result(answer: tuple[int, Key | None, bool, Any]) -> Any:
    _request, _key, ok, payload = answer
    if ok:
        return payload
    message, next_step, technical = payload
    raise UserFacingError(message, next_step, technical=technical)


# ---- the child -------------------------------------------------------------------------------
def serve(conn: Connection) -> None:
    """The child's loop: one answer per request, in order, until "stop" or the parent is gone."""
    lower_priority()
    analyzers: dict[Key, Analyzer] = {}
    while True:
        try:
            request, op, key, payload = conn.recv()
        except (EOFError, OSError):
            return
        if op == "stop":
            return
        try:
            analyzer = _analyzer(analyzers, key)
            result = _handle(analyzer, op, payload)
        except UserFacingError as exc:
            conn.send((request, None, False, (exc.message, exc.next_step, exc.technical)))
        except Exception as exc:  # reported to the caller in plain words, never a traceback
            log.debug("the checker failed", exc_info=True)
            problem = (
                "Checking failed unexpectedly.",
                "Try again; if it keeps failing, restart Finetune Studio.",
            )
            conn.send((request, None, False, (*problem, f"{type(exc).__name__}: {exc}")))
        else:
            conn.send((request, key, True, result))


def _analyzer(analyzers: dict[Key, Analyzer], key: Key) -> Analyzer:
    analyzer = analyzers.get(key)
    if analyzer is None:
        from desktop_app.core.analysis.analyzer import Analyzer

        analyzer = Analyzer(*key)
        analyzer.counter.encoding  # noqa: B018  (build the tokenizer now)
        analyzers[key] = analyzer
    return analyzer


def _handle(analyzer: Analyzer, op: str, payload: Any) -> Any:
    if op == "warm":
        return None
    if op == "count":
        return [analyzer.counter.count_example(value) for value in payload]
    if op == "records":
        from desktop_app.core.analysis.record_summary import summary_as_tuple

        return [summary_as_tuple(s) for s in _summaries(analyzer, payload)]
    raise ValueError(f"unknown request {op}")


def _summaries(analyzer: Analyzer, items: list[tuple[bytes, int]]) -> list[RecordSummary]:
    """Summaries of items, checking runs of consecutive lines together (quicker)."""
    out: list[RecordSummary] = []
    start = 0
    for end in range(1, len(items) + 1):
        if end == len(items) or items[end][1] != items[end - 1][1] + 1:
            run = items[start:end]
            out += analyzer.records([raw for raw, _ in run], run[0][1])
            start = end
    return out
