"""The process services (desktop_app/core/processes.py): started on first use by whoever built
them, stopped by `close()`; and the few primitives every other module goes through."""

from __future__ import annotations

import threading

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.templates import sample_path
from desktop_app.core.processes import (
    ProcessServices,
    in_background,
    process_pool,
    request_threads,
)
from desktop_app.core.search.on_disk import DiskCopy, FileStamp, line_ends
from desktop_app.core.search.query import Query

MODEL = "gpt-4o-mini-2024-07-18"


def test_nothing_starts_until_asked_and_close_stops_what_started(tmp_path) -> None:
    services = ProcessServices(search_count=1)
    checker = services.checker
    assert services.checker is checker and not checker.running  # made, not started
    raw = sample_path().read_bytes().splitlines()[0]
    [summary] = checker.records(MODEL, "openai", [(raw, 1)])
    assert summary.tokens > 0 and checker.running
    search = services.search
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b'{"a": "refund"}\n{"a": "other"}\n')
    dataset = Dataset.open(path)
    ends = line_ends(list(dataset.iter_bytes()), 0)
    copy = DiskCopy(path, FileStamp.of(path.stat()), list(dataset), ends, 0)
    assert search.search(copy, Query("refund"), lambda: False) == bytearray(b"\x01\x00")
    assert search.running
    services.close()
    assert not checker.running and not search.running


def test_a_context_block_closes_the_services() -> None:
    with ProcessServices(search_count=1) as services:
        services.search.start()
        assert services.search.running
    assert not services.search.running


def test_a_process_pool_works_and_is_gone_after_its_block() -> None:
    with process_pool(2) as pool:
        assert pool.map(abs, [-1, -2, 3]) == [1, 2, 3]
        children = list(pool._pool)  # (multiprocessing keeps its workers here)
    assert children and not any(child.is_alive() for child in children)


def test_request_threads_and_background_jobs_run_and_end() -> None:
    with request_threads(2, "compare") as pool:
        names = {pool.submit(lambda: threading.current_thread().name).result() for _ in range(3)}
    assert all(name.startswith("compare") for name in names)
    ran = threading.Event()
    in_background(ran.set, name="a-job")
    assert ran.wait(5)
