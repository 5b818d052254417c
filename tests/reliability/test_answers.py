"""Answers that are not what the protocol says are server errors: retried where safe, explained
otherwise, and `--follow` keeps following through them. An ended job stays ended."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from tests.reliability.conftest import example_lines
from tests.reliability.fault_proxy import FaultProxy, Rule

from desktop_app.cli.main import main
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import Job
from desktop_app.core.providers.errors import ProviderError
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import is_retryable
from desktop_app.core.training.jobs import follow_job, refresh_job, start_job
from desktop_app.core.training.jobstore import JobStore

ONE_JOB = r"^/v1/fine_tuning/jobs/ftjob-[^/?]+$"


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("html", "The practice server sent an answer the app could not read."),
        ("wrong_type", "The practice server sent an answer the app could not read."),
        ("truncate", "Could not reach the practice server, or the connection broke."),
    ],
)
def test_a_read_answered_with_garbage_is_retried_then_explained(
    kind: str, said: str, proxy: FaultProxy, provider: PracticeProvider, waits: list[float]
) -> None:
    proxy.add(Rule(kind, r"^/v1/models$"))
    assert provider.list_models()  # the second try got the real answer
    assert len(waits) == 1
    garbage = proxy.add(Rule(kind, r"^/v1/models$", times=0))
    with pytest.raises(ProviderError) as unreadable:
        provider.list_models()
    assert garbage.used == 3  # retried with backoff, within bounds
    assert unreadable.value.message == said and is_retryable(unreadable.value)
    assert "Try again" in unreadable.value.next_step or "try again" in unreadable.value.next_step


def test_follow_keeps_following_through_unreadable_answers(
    proxy: FaultProxy, provider: PracticeProvider, store: JobStore, plan
) -> None:  # type: ignore[no-untyped-def]
    job = start_job(provider, plan, store=store).job
    garbage = proxy.add(Rule("html", ONE_JOB, method="GET", times=7))  # beyond one call's retries
    troubles: list[str] = []
    final = follow_job(
        provider,
        job.id,
        poll_seconds=0,
        store=store,
        on_trouble=lambda e: troubles.append(e.message),
    )
    assert final.status == "succeeded" and garbage.used == 7
    assert troubles and all("could not read" in t for t in troubles)


def test_the_command_line_follow_keeps_following(
    server: PracticeServer,
    proxy: FaultProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "library.jsonl"
    data.write_bytes(example_lines())
    url = proxy.base_url
    monkeypatch.setattr(sys, "stdin", io.StringIO("sk-follow-test-key-0000\n"))
    assert main(["keys", "set", "--provider", "compatible", "--base-url", url]) == 0
    proxy.add(Rule("truncate", ONE_JOB, method="GET", times=4))
    proxy.add(Rule("html", r"/events", method="GET", times=4))
    where = ["--provider", "compatible", "--base-url", url, "--model", "gpt-4o-mini"]
    code = main(["train", str(data), *where, "--follow", "--poll-seconds", "0.01"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "The fine-tuned model is ready" in out
    assert "Trying again" in err and "Traceback" not in err


def test_an_ended_job_is_not_overwritten_by_an_older_answer(
    server: PracticeServer, provider: PracticeProvider, store: JobStore
) -> None:
    def job(status: str) -> Job:
        return Job(id="ftjob-late", status=status, model="gpt-4o-mini-2024-07-18")

    for ended in ("succeeded", "failed", "cancelled"):
        store.forget_job("practice", "local", "ftjob-late")
        store.record_job(job(ended), provider="practice", account="local")
        kept = store.record_job(job("running"), provider="practice", account="local")
        assert kept.status == ended
        record = store.get("practice", "local", "ftjob-late")
        assert record is not None and record.status == ended
    store.record_job(job("queued"), provider="practice", account="local")  # still not going back
    assert store.get("practice", "local", "ftjob-late").status == "cancelled"  # type: ignore[union-attr]


def test_refresh_returns_the_ended_job_when_a_late_answer_says_running(
    store: JobStore, plan
) -> None:  # type: ignore[no-untyped-def]
    with PracticeServer(pace=0.001) as slow, PracticeProvider(base_url=slow.base_url) as provider:
        job = start_job(provider, plan, store=store).job
        assert provider.get_job(job.id).status in ("validating_files", "queued", "running")
        ended = Job(id=job.id, status="cancelled", model=job.model)
        store.record_job(ended, provider=provider.kind, account=provider.account)
        assert refresh_job(provider, store, job.id).status == "cancelled"
