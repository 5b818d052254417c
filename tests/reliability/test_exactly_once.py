"""A paid job is created exactly once, whatever happens to the answers (fault proxy in between).

Every test counts at the practice server: the POSTs it received and the jobs it holds, which
must never be more than the person started.
"""

from __future__ import annotations

import threading

import pytest
from tests.reliability.conftest import JOBS, LOOKUP, posts, server_jobs
from tests.reliability.fault_proxy import FaultProxy, Rule

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import JobRequest, UploadSource
from desktop_app.core.providers.errors import (
    CreateUnconfirmedError,
    MissingKeyError,
    OperationCancelled,
    ProviderError,
)
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.training.jobs import TrainingPlan, resolve_all_pending, start_job
from desktop_app.core.training.jobstore import JobStore


def _start(provider: PracticeProvider, plan: TrainingPlan, store: JobStore):  # type: ignore[no-untyped-def]
    return start_job(provider, plan, store=store)


@pytest.mark.parametrize("kind", ["drop", "html", "truncate", "wrong_type"])
def test_a_lost_or_unreadable_create_answer_makes_one_job_and_records_it(
    kind: str,
    server: PracticeServer,
    proxy: FaultProxy,
    provider: PracticeProvider,
    store: JobStore,
    plan: TrainingPlan,
) -> None:
    proxy.add(Rule(kind, JOBS, method="POST"))
    started = _start(provider, plan, store)
    assert server_jobs(server) == [started.job.id]
    assert posts(server, "/fine_tuning/jobs") == 1  # looked up, never sent again
    assert store.get("practice", "local", started.job.id) is not None
    assert store.pending_creates() == []


def test_a_lost_answer_and_a_failing_look_up_never_create_again(
    server: PracticeServer,
    proxy: FaultProxy,
    provider: PracticeProvider,
    store: JobStore,
    plan: TrainingPlan,
) -> None:
    proxy.add(Rule("drop", JOBS, method="POST"))
    lookups = proxy.add(Rule("fail", LOOKUP, method="GET", times=0))
    with pytest.raises(CreateUnconfirmedError) as unconfirmed:
        _start(provider, plan, store)
    assert lookups.used >= 3  # the look-up was retried with backoff
    assert posts(server, "/fine_tuning/jobs") == 1
    assert len(server_jobs(server)) == 1
    assert "Do not start it again" in unconfirmed.value.next_step
    assert len(store.pending_creates()) == 1  # kept for the next start

    proxy.clear()  # the connection is back: the next start adopts the job, with a message
    adopted, unchecked = resolve_all_pending(store, lambda kind, account, url: provider)
    assert [a.job.id for a in adopted] == server_jobs(server)
    assert "nothing was started twice" in adopted[0].message and unchecked == []
    assert store.get("practice", "local", adopted[0].job.id) is not None
    assert store.pending_creates() == [] and len(server_jobs(server)) == 1


def test_every_create_carries_an_idempotency_key_from_its_pending_record(
    server: PracticeServer, provider: PracticeProvider, store: JobStore, plan: TrainingPlan
) -> None:
    started = _start(provider, plan, store)
    creates = [r for r in server.requests if r.method == "POST"]
    keys = {r.path: r.headers.get("idempotency-key") for r in creates}
    assert keys["/v1/files"] and keys["/v1/files"].startswith("ftstudio-file-")
    token = started.job.metadata["ftstudio_client_token"]
    assert keys["/v1/fine_tuning/jobs"] == f"ftstudio-job-{token}"


def test_the_practice_server_honours_the_idempotency_key(
    server: PracticeServer, provider: PracticeProvider
) -> None:
    file = provider.upload_file(UploadSource.from_bytes(b'{"a": 1}\n', "x.jsonl"), token="t-1")
    again = provider.upload_file(UploadSource.from_bytes(b'{"a": 1}\n', "x.jsonl"), token="t-1")
    assert file.id == again.id and server.replays == 1
    request = JobRequest(model="gpt-4o-mini-2024-07-18", training_file=file.id)
    first = provider.create_job(request)
    assert provider.create_job(request).id == first.id
    assert server_jobs(server) == [first.id]


def test_a_resent_upload_after_a_lost_answer_makes_one_file(
    server: PracticeServer,
    proxy: FaultProxy,
    provider: PracticeProvider,
    store: JobStore,
    plan: TrainingPlan,
) -> None:
    proxy.add(Rule("drop", r"^/v1/files$", method="POST"))
    _start(provider, plan, store)
    assert posts(server, "/files") == 2  # resent with the same key …
    assert len(server.api._files) == 1  # … and the server made one file


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"error": {"message": "bad", "type": "invalid_request_error"}}),
        (401, {"error": {"message": "bad key", "code": "invalid_api_key"}}),
        (403, {"error": {"message": "not allowed", "type": "invalid_request_error"}}),
        (404, {"error": {"message": "no such model", "code": "model_not_found"}}),
        (422, {"error": {"message": "unprocessable"}}),
        (429, {"error": {"message": "no credit", "code": "insufficient_quota"}}),
        (429, {"error": {"message": "no credit", "type": "insufficient_quota"}}),
    ],
)
def test_a_final_refusal_is_sent_exactly_once(
    status: int,
    body: dict[str, object],
    server: PracticeServer,
    proxy: FaultProxy,
    provider: PracticeProvider,
    store: JobStore,
    plan: TrainingPlan,
    waits: list[float],
) -> None:
    proxy.add(Rule("status", JOBS, method="POST", status=status, body=body, times=0))
    with pytest.raises(ProviderError) as refused:
        _start(provider, plan, store)
    assert refused.value.status == status
    assert posts(server, "/fine_tuning/jobs") == 1 and waits == []
    assert store.pending_creates() == []  # the answer was final: nothing is left to resolve
    get = proxy.add(Rule("status", r"^/v1/models$", status=status, body=body, times=0))
    with pytest.raises(ProviderError):
        provider.list_models()
    assert get.used == 1  # reads too: one request, no retry


def test_a_busy_answer_is_retried_and_still_makes_one_job(
    server: PracticeServer,
    proxy: FaultProxy,
    provider: PracticeProvider,
    store: JobStore,
    plan: TrainingPlan,
) -> None:
    busy = {"error": {"message": "slow down", "code": "rate_limit_exceeded"}}
    proxy.add(Rule("status", JOBS, method="POST", status=429, body=busy, forward=False))
    started = _start(provider, plan, store)
    assert posts(server, "/fine_tuning/jobs") == 1  # the refused one never reached it
    assert server_jobs(server) == [started.job.id]


def test_cancel_while_looking_up_a_lost_create_keeps_it_pending(
    server: PracticeServer, proxy: FaultProxy, store: JobStore, plan: TrainingPlan
) -> None:
    cancel = threading.Event()
    proxy.add(Rule("drop", JOBS, method="POST"))
    with (
        PracticeProvider(
            base_url=proxy.base_url, retry=RetryPolicy(wait=lambda _delay, _c: cancel.set())
        ) as provider,
        pytest.raises(OperationCancelled),
    ):
        start_job(provider, plan, store=store, cancel=cancel)
    assert len(server_jobs(server)) == 1 and posts(server, "/fine_tuning/jobs") == 1
    assert len(store.pending_creates()) == 1  # the job may exist: the next start looks it up


def test_cancel_during_the_look_ups_own_retries_stops_them(
    server: PracticeServer, proxy: FaultProxy, store: JobStore, plan: TrainingPlan
) -> None:
    """The look-up's reads retry too; Cancel reaches those waits (it used to wait them out)."""
    cancel = threading.Event()
    waits: list[threading.Event | None] = []

    def wait(_delay: float, token: threading.Event | None) -> None:
        waits.append(token)
        if len(waits) == 2:  # 1: before the look-up, 2: the look-up's own retry after a 500
            cancel.set()

    proxy.add(Rule("drop", JOBS, method="POST"))
    lookups = proxy.add(Rule("fail", LOOKUP, method="GET", times=0))
    with (
        PracticeProvider(base_url=proxy.base_url, retry=RetryPolicy(wait=wait)) as provider,
        pytest.raises(OperationCancelled) as cancelled,
    ):
        start_job(provider, plan, store=store, cancel=cancel)
    assert waits == [cancel, cancel]
    assert lookups.used == 1  # no look-up after Cancel
    assert getattr(cancelled.value, "maybe_created", False)  # the job may exist
    assert len(store.pending_creates()) == 1 and posts(server, "/fine_tuning/jobs") == 1


def test_an_account_that_cannot_be_checked_is_named_and_stays_pending(store: JobStore) -> None:
    store.add_pending_create(
        "t-unchecked", provider="openai", account="default", base_url="", request={}
    )

    def connect(kind: str, account: str, url: str) -> PracticeProvider:
        raise MissingKeyError("There is no API key for OpenAI yet.", "Add one.")

    adopted, unchecked = resolve_all_pending(store, connect)
    assert adopted == []
    assert unchecked == [
        "A job start could not be confirmed yet: There is no API key for OpenAI yet. Finetune "
        "Studio checks again at the next start. Do not start that job again."
    ]
    assert len(store.pending_creates()) == 1
