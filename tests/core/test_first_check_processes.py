"""The first check of a big file: one process per core, a little below the window's priority."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from desktop_app.core.analysis.process_checker import check_file_in_processes, process_count
from desktop_app.core.cancel import CancelToken
from desktop_app.core.processes import BACKGROUND_NICENESS, CHECK_NICENESS


def test_one_process_per_core() -> None:
    assert process_count() == (os.cpu_count() or 1)
    assert 0 < CHECK_NICENESS < BACKGROUND_NICENESS


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priority is a Unix call")
def test_the_check_processes_run_a_little_below_the_window(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    chat = {
        "messages": [
            {"role": "user", "content": "Hi " * 400},
            {"role": "assistant", "content": "Yo"},
        ]
    }
    line = json.dumps(chat) + "\n"
    path.write_text(line * (6 * 1024 * 1024 // len(line)), encoding="utf-8")  # three ranges
    seen: list[tuple[int, ...]] = []
    mine = os.getpriority(os.PRIO_PROCESS, 0)

    def progress(_report: object) -> None:
        if not seen:
            workers = [p for p in multiprocessing.active_children() if "PoolWorker" in p.name]
            seen.append(tuple(os.getpriority(os.PRIO_PROCESS, p.pid or 0) for p in workers))

    lines = check_file_in_processes(
        path, "gpt-4.1-mini-2025-04-14", "openai", cancel=CancelToken(), progress=progress
    )
    assert lines == path.read_bytes().count(b"\n")
    [priorities] = seen
    assert len(priorities) == min(process_count(), 3)
    assert all(p == max(mine, CHECK_NICENESS) for p in priorities)
