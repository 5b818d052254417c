"""The QTimer-driven job poller against a real practice server (real openai client, real HTTP).

Jobs are started with core.training.jobs.start_job; the poller follows them from the GUI thread,
sending each request to a worker: it follows to the end and stops, skips ticks while a request
is in flight, backs off after failures (honouring retry-after), resumes from the job store, and
stops cleanly with a request in flight.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from PySide6.QtCore import QCoreApplication

from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.providers.base import UploadSource
from desktop_app.core.providers.errors import RateLimitError, ServerError
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import TrainingPlan, start_job
from desktop_app.core.training.jobstore import JobStore
from desktop_app.qt import job_poller
from desktop_app.qt.job_poller import JobPoller
from desktop_app.qt.tasks import TaskRunner

MODEL = "gpt-4.1-mini-2025-04-14"
ONE_TRY = RetryPolicy(max_attempts=1)


def training_bytes(count: int = 12) -> bytes:
    lines = [
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": f"How do I repot plant {i}?"},
                    {"role": "assistant", "content": f"Repot plant {i} in spring."},
                ]
            }
        )
        for i in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def server() -> Iterator[PracticeServer]:
    practice = PracticeServer(pace=40).start()
    yield practice
    practice.stop()


@pytest.fixture
def provider(server: PracticeServer) -> Iterator[PracticeProvider]:
    made = PracticeProvider(base_url=server.base_url, retry=ONE_TRY)
    yield made
    made.close()


@pytest.fixture
def store(app_home) -> Iterator[JobStore]:
    opened = JobStore().open()
    yield opened
    opened.close()


def start(provider: PracticeProvider, store: JobStore, count: int = 12) -> JobKey:
    plan = TrainingPlan(
        model=MODEL, training=UploadSource.from_bytes(training_bytes(count), "t.jsonl")
    )
    job = start_job(provider, plan, store=store).job
    return JobKey("practice", provider.account, provider.base_url, job.id)


def make_poller(qtbot, pools: TaskRunner, provider, store, **kwargs) -> JobPoller:
    options = {"tick_ms": 20, "interval_for": lambda _key: 0.05}
    options.update(kwargs)
    return JobPoller(pools, lambda _key: provider, store=store, **options)


def job_requests(server: PracticeServer, job_id: str) -> int:
    return sum(
        1 for r in server.requests if r.method == "GET" and r.path.endswith(f"/jobs/{job_id}")
    )


def test_follows_a_job_to_the_end_then_stops(qtbot, pools, provider, store) -> None:
    key = start(provider, store)
    poller = make_poller(qtbot, pools, provider, store)
    finished: list[object] = []
    poller.job_finished.connect(finished.append)
    poller.watch(key, store.get(*key.record_key).job())
    assert poller.active
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    state = poller.state(key)
    assert state.job.status == "succeeded"
    assert any(e.metrics is not None for e in state.events)
    assert [e.id for e in state.events] == list(dict.fromkeys(e.id for e in state.events))
    assert state.checkpoints and state.checkpoints[0].step >= state.checkpoints[-1].step
    assert state.result_text is not None and state.result_text.startswith("step,")
    assert finished == [key]
    assert not poller.is_watching(key)
    qtbot.waitUntil(lambda: not poller.active, timeout=2_000)
    # the store follows the provider
    assert store.get(*key.record_key).status == "succeeded"


def test_a_tick_is_skipped_while_a_request_is_in_flight(
    qtbot, pools, server, provider, store
) -> None:
    key = start(provider, store)
    answer = threading.Event()  # the server answers when the test says so
    server.faults.add(
        Fault("slow", path=rf"/fine_tuning/jobs/{key.job_id}$", release=answer, times=1)
    )
    poller = make_poller(qtbot, pools, provider, store)
    before = job_requests(server, key.job_id)
    poller.watch(key)
    qtbot.waitUntil(lambda: poller.in_flight(key), timeout=2_000)
    qtbot.waitUntil(lambda: poller.skipped_ticks >= 5, timeout=10_000)
    assert job_requests(server, key.job_id) == before + 1  # never a second one meanwhile
    answer.set()
    qtbot.waitUntil(lambda: not poller.in_flight(key), timeout=5_000)
    assert poller.state(key).job is not None  # the slow answer arrived and was used
    poller.stop()


def test_failures_back_off_and_recover(qtbot, pools, server, provider, store) -> None:
    key = start(provider, store)
    server.faults.add(
        Fault("status", path=rf"/fine_tuning/jobs/{key.job_id}$", status=500, times=2)
    )
    poller = make_poller(qtbot, pools, provider, store, interval_for=lambda _key: 0.2)
    errors: list[object] = []
    delays: list[float] = []

    def on_failed(_key: object, error: object) -> None:
        errors.append(error)
        delays.append(poller.next_due_in(key) or 0.0)

    poller.poll_failed.connect(on_failed)
    poller.watch(key)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=10_000)
    assert all(isinstance(e, ServerError) for e in errors)
    assert "problem on its side" in errors[0].message
    assert 0.3 < delays[0] <= 0.4 + 0.05  # 2 × 0.2 s
    assert 0.7 < delays[1] <= 0.8 + 0.05  # 4 × 0.2 s
    qtbot.waitUntil(
        lambda: poller.state(key).error is None and poller.state(key).polls > 0, timeout=10_000
    )
    qtbot.waitUntil(lambda: poller.state(key).is_terminal, timeout=20_000)
    poller.stop()


def test_a_rate_limit_waits_as_long_as_the_provider_asks(
    qtbot, pools, server, provider, store, monkeypatch
) -> None:
    key = start(provider, store)
    server.faults.add(
        Fault(
            "status", path=rf"/fine_tuning/jobs/{key.job_id}$", status=429, retry_after=3, times=1
        )
    )
    # the poller's clock stands still, so the next check's delay can be read exactly
    monkeypatch.setattr(job_poller, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    poller = make_poller(qtbot, pools, provider, store)
    with qtbot.waitSignal(poller.poll_failed, timeout=5_000) as failed:
        poller.watch(key)
    error = failed.args[1]
    assert isinstance(error, RateLimitError) and error.retry_after == 3
    assert "Try again in 3 seconds" in error.next_step
    assert poller.next_due_in(key) == 3.0  # the provider's wait, not the 0.05 s interval
    poller.stop()


def test_refresh_looks_once_at_a_finished_job(qtbot, pools, provider, store) -> None:
    key = start(provider, store)
    poller = make_poller(qtbot, pools, provider, store)
    poller.watch(key)
    qtbot.waitUntil(lambda: poller.state(key).is_terminal, timeout=20_000)
    fresh = make_poller(qtbot, pools, provider, store)  # as after a restart: knows nothing yet
    finished: list[object] = []
    fresh.job_finished.connect(finished.append)
    with qtbot.waitSignal(fresh.state_changed, timeout=5_000):
        fresh.refresh(key)
    state = fresh.state(key)
    assert state.job.status == "succeeded" and state.events and state.result_text
    assert not fresh.is_watching(key) and finished == []  # it was already over: no notification


def test_stop_abandons_a_request_in_flight_and_drops_its_answer(
    qtbot, pools, server, provider, store
) -> None:
    key = start(provider, store)
    answer = threading.Event()  # the server answers when the test says so
    server.faults.add(
        Fault("slow", path=rf"/fine_tuning/jobs/{key.job_id}$", release=answer, times=1)
    )
    poller = make_poller(qtbot, pools, provider, store)
    changed: list[object] = []
    poller.state_changed.connect(changed.append)
    poller.watch(key)
    qtbot.waitUntil(lambda: poller.in_flight(key), timeout=2_000)
    worker = poller._in_flight[key].worker
    assert worker is not None
    poller.stop()  # abandons the request: returns while the server still holds the answer
    assert not poller.active and poller.watched == [] and not poller.in_flight(key)
    assert not worker.done.is_set() and worker.abandoned and worker.token.cancelled
    poller.watch(key)  # a stopped poller stays stopped
    assert not poller.active
    with qtbot.waitSignal(poller.destroyed, timeout=2_000):
        poller.deleteLater()  # the poller may go before its abandoned request ends
    answer.set()  # the answer arrives after stop()
    assert pools.wait(5_000) and worker.done.is_set()
    QCoreApplication.sendPostedEvents()  # what the worker sent on its way out
    QCoreApplication.processEvents()
    assert changed == []  # a result arriving after stop() is dropped
