"""The checker process: the same answers as checking in-process, and it survives being killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from desktop_app.core.analysis.analyzer import Analyzer
from desktop_app.core.analysis.checker_process import CheckerProcess, CheckerUnavailable
from desktop_app.core.dataset.templates import sample_path
from desktop_app.core.errors import UserFacingError
from desktop_app.core.processes import BACKGROUND_NICENESS
from desktop_app.core.tokens.counts import TokenCounter

MODEL = "gpt-4o-mini-2024-07-18"


@pytest.fixture(scope="module")
def checker():
    process = CheckerProcess()
    yield process
    process.close()
    assert not process.running


def _wait_ready(checker: CheckerProcess, model: str, provider: str) -> None:
    deadline = time.monotonic() + 60
    while not checker.ready(model, provider):
        assert time.monotonic() < deadline, "the checker never got ready"
        time.sleep(0.05)


def test_it_gets_ready_after_a_warm_up(checker: CheckerProcess) -> None:
    assert not checker.ready(MODEL, "together")
    checker.warm(MODEL, "together")
    _wait_ready(checker, MODEL, "together")


def test_summaries_match_checking_in_process(checker: CheckerProcess) -> None:
    raws = sample_path().read_bytes().splitlines()
    items = [(raw, line) for line, raw in enumerate(raws, start=1)]
    items = items[:5] + items[7:] + [(b"{broken", 99)]  # a gap and a stray line number
    got = checker.records(MODEL, "openai", items)
    analyzer = Analyzer(MODEL, "openai")
    for (raw, line), summary in zip(items, got, strict=True):
        expected = analyzer.record(raw, line)
        assert summary.kind == expected.kind and summary.tokens == expected.tokens
        assert summary.problems == expected.problems  # line numbers included
        assert summary.content_hash == expected.content_hash


def test_token_counts_match_the_counter(checker: CheckerProcess) -> None:
    values = [
        {"messages": [{"role": "user", "content": "Hello there, how are you?"}]},
        {"messages": [{"role": "assistant", "content": "Fine. " * 50}]},
        {"not": "a conversation"},
    ]
    assert checker.count_examples(MODEL, "openai", values) == TokenCounter(MODEL).count_examples(
        values
    )


def test_a_killed_checker_is_started_again(checker: CheckerProcess) -> None:
    checker.records(MODEL, "openai", [(b"{}", 1)])
    checker._process.kill()  # as if the system ended it
    checker._process.join(10)
    assert not checker.ready(MODEL, "openai")  # so the window checks on a worker meanwhile
    summary = checker.records(MODEL, "openai", [(b"{}", 1)])[0]
    assert summary.problems  # checked again, by a new child


def test_a_busy_checker_makes_a_waiting_caller_give_up(checker: CheckerProcess) -> None:
    with checker._lock, pytest.raises(CheckerUnavailable):  # another thread's call meanwhile
        checker.records(MODEL, "openai", [(b"{}", 1)], wait=0.05)


def test_a_failure_in_the_checker_comes_back_in_plain_words(checker: CheckerProcess) -> None:
    with pytest.raises(UserFacingError) as caught:
        checker._call("no-such-request", (MODEL, "openai"), None, None)
    assert caught.value.message == "Checking failed unexpectedly."
    assert "no-such-request" in caught.value.technical  # for the log, not the person
    assert checker.records(MODEL, "openai", [(b"{}", 1)])  # and it goes on answering


def test_the_caller_never_builds_a_tokenizer() -> None:
    code = (
        "from desktop_app.core.analysis.checker_process import CheckerProcess\n"
        "from desktop_app.core.tokens import counts as tokens\n"
        "c = CheckerProcess()\n"
        f"s = c.records('{MODEL}', 'openai', [(b'{{\"messages\": []}}', 1)])\n"
        f"n = c.count_examples('{MODEL}', 'openai', [{{'messages': []}}])\n"
        "c.close()\n"
        "print(len(s), n[0] is not None, sorted(tokens._encodings))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == ["1", "True", "[]"]


def test_warming_a_checker_that_is_not_running_starts_it_in_the_background() -> None:
    fresh = CheckerProcess()
    try:
        fresh.warm(MODEL, "openai")  # returns at once; a short-lived thread starts the child
        _wait_ready(fresh, MODEL, "openai")
        assert fresh.running
    finally:
        fresh.close()


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priority is a Unix call")
def test_the_checker_runs_below_the_windows_priority(checker: CheckerProcess) -> None:
    checker.records(MODEL, "openai", [(b"{}", 1)])
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, checker._process.pid) >= max(mine, BACKGROUND_NICENESS)
