"""Retry and exactly-once edges that mutation testing showed unguarded (docs/architecture.md,
"Tests that notice bugs"): how long each retry waits (doubling from half a second, at most a
quarter shorter, capped), a server-requested wait equal to the limit, how often and how long a
lost create is looked up, a rate-limited create sent again without a look-up, and the cancel
token reaching every wait. Against the practice server over real HTTP, with faults injected; the
waits are recorded, not slept (a wait that must be woken by Cancel is woken at once)."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator

import pytest

from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.providers.base import JobRequest, UploadSource
from desktop_app.core.providers.errors import (
    AuthError,
    CreateUnconfirmedError,
    NetworkError,
    OperationCancelled,
    ProviderError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import (
    RetryPolicy,
    call_with_retries,
    create_exactly_once,
    is_retryable,
    outcome_unknown,
)

JOBS = r"^/fine_tuning/jobs$"


class Recorded(list[tuple[float, object]]):
    """A retry waiter that records each delay and the cancel token it was given."""

    def __call__(self, delay: float, cancel: object) -> None:
        self.append((delay, cancel))

    @property
    def delays(self) -> list[float]:
        return [delay for delay, _ in self]


def _provider(server: PracticeServer, **policy: object) -> PracticeProvider:
    return PracticeProvider(
        base_url=server.base_url, retry=RetryPolicy(**policy), timeouts=Timeouts(read=5.0)
    )


def _hits(server: PracticeServer, method: str, path: str = "/fine_tuning/jobs") -> int:
    prefix = server.config.prefix
    return sum(1 for r in server.requests if r.method == method and r.path == prefix + path)


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
def seeded() -> Iterator[None]:
    state = random.getstate()
    random.seed(20261207)  # the jitter is random: the same draws every run
    yield
    random.setstate(state)


def test_each_retry_waits_twice_as_long_and_at_most_a_quarter_less(
    server: PracticeServer, recorded: Recorded, seeded: None
) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=500, times=5))
    with _provider(server, max_attempts=6, base_delay=0.5, max_delay=8.0, wait=recorded) as p:
        assert p.list_jobs().items == []
    full = [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(recorded) == 5
    for delay, longest in zip(recorded.delays, full, strict=True):
        assert 0.75 * longest <= delay <= longest


def test_the_jitter_never_shortens_a_wait_by_more_than_a_quarter(
    server: PracticeServer, recorded: Recorded, seeded: None
) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=503, times=40))
    with _provider(server, max_attempts=41, base_delay=1.0, max_delay=1.0, wait=recorded) as p:
        p.list_jobs()
    assert len(recorded) == 40
    assert all(0.75 <= delay <= 1.0 for delay in recorded.delays)
    assert len(set(recorded.delays)) > 30  # random, not one fixed shortening


def test_a_server_asking_for_exactly_the_longest_wait_is_waited_for(
    server: PracticeServer, recorded: Recorded
) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=429, retry_after=30))
    with _provider(server, max_retry_after=30.0, wait=recorded) as p:
        p.list_jobs()
    assert recorded.delays == [30.0]


def test_a_rate_limited_create_is_sent_again_without_a_look_up(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    server.faults.add(Fault("status", path=JOBS, method="POST", status=429, retry_after=2))
    with _provider(server, wait=recorded) as p:
        training = p.upload_file(source).id
        job = p.create_job(JobRequest(model="gpt-4o-mini", training_file=training))
    assert recorded.delays == [2.0]
    assert _hits(server, "POST") == 2 and _hits(server, "GET") == 0
    assert server.api.job_count() == 1 and job.id


def test_a_lost_create_is_looked_up_three_times_half_a_second_apart_doubling(
    server: PracticeServer,
    recorded: Recorded,
    source: UploadSource,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="desktop_app.core.providers.retry")
    cancel = threading.Event()
    server.faults.add(Fault("drop_after", path=JOBS, method="POST"))
    # every look-up (the list of jobs, filtered by the client token) fails on the server's side
    server.faults.add(Fault("status", path=JOBS, method="GET", status=500, times=0))
    with _provider(server, max_attempts=3, base_delay=0.5, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(CreateUnconfirmedError):
            p.create_job(request, cancel=cancel)
    # each look-up is itself a read retried twice (jittered waits in between)
    assert len(recorded) == 9 and _hits(server, "GET") == 9
    assert [recorded.delays[i] for i in (0, 3, 6)] == [0.5, 1.0, 2.0]
    assert all(recorded[i][1] is cancel for i in (0, 3, 6))  # the look-up's own waits
    assert _hits(server, "POST") == 1 and server.api.job_count() == 1
    said = [r.getMessage() for r in caplog.records if r.name.endswith(".retry")]
    assert [m for m in said if "answer was lost" in m] == [
        "Creating the fine-tuning job: the answer was lost (NetworkError); looking it up"
    ]
    failed = [m for m in said if "look-up failed" in m]
    assert failed == ["Creating the fine-tuning job: the look-up failed too (ServerError)"] * 3


def test_the_look_up_wait_is_capped_too(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    server.faults.add(Fault("drop_after", path=JOBS, method="POST"))
    server.faults.add(Fault("status", path=JOBS, method="GET", status=500, times=0))
    with _provider(server, max_attempts=4, base_delay=0.5, max_delay=1.5, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(CreateUnconfirmedError):
            p.create_job(request)
    assert [recorded.delays[i] for i in (0, 4, 8, 12)] == [0.5, 1.0, 1.5, 1.5]


class PressedDuringWait(threading.Event):
    """A cancel token whose person presses Cancel as soon as a wait on it begins."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.timeouts.append(timeout)
        self.set()
        return True


def test_without_a_waiter_the_cancel_token_itself_is_waited_on(server: PracticeServer) -> None:
    cancel = PressedDuringWait()
    server.faults.add(Fault("status", path=JOBS, method="POST", status=503, times=0))
    with (
        _provider(server, base_delay=3600.0, max_delay=3600.0) as p,  # an hour unless woken
        pytest.raises(OperationCancelled) as cancelled,
    ):
        p.create_job(JobRequest(model="gpt-4o-mini", training_file="file-x"), cancel=cancel)
    assert cancel.timeouts == [3600.0]  # the look-up's first wait, woken by Cancel
    assert cancelled.value.maybe_created is True  # type: ignore[attr-defined]


def test_without_a_waiter_or_a_cancel_token_the_wait_is_slept(server: PracticeServer) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=500))
    with _provider(server, base_delay=0.001, max_delay=0.001) as p:
        assert p.list_jobs().items == []
    assert _hits(server, "GET") == 2


def test_only_a_create_that_may_have_been_made_is_looked_up() -> None:
    assert outcome_unknown(NetworkError("lost")) is True
    assert outcome_unknown(ServerError("500", status=500)) is True
    assert outcome_unknown(RateLimitError("busy", status=429)) is False
    assert outcome_unknown(AuthError("no", status=401)) is False


def test_a_create_the_server_keeps_refusing_as_busy_is_sent_three_times(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    server.faults.add(Fault("status", path=JOBS, method="POST", status=429, retry_after=1, times=0))
    cancel = threading.Event()
    with _provider(server, max_attempts=3, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(RateLimitError) as busy:
            p.create_job(request, cancel=cancel)
    assert _hits(server, "POST") == 3 and _hits(server, "GET") == 0
    assert recorded == [(1.0, cancel), (1.0, cancel)]  # Cancel can wake both waits
    assert busy.value.maybe_created is False  # type: ignore[attr-defined]


def test_a_create_asked_to_wait_too_long_is_reported_at_once(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    server.faults.add(Fault("status", path=JOBS, method="POST", status=429, retry_after=300))
    with _provider(server, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(RateLimitError) as busy:
            p.create_job(request)
    assert _hits(server, "POST") == 1 and recorded == []
    assert busy.value.maybe_created is False  # type: ignore[attr-defined]


def test_a_create_cancelled_before_it_is_sent_is_never_sent(
    server: PracticeServer, source: UploadSource
) -> None:
    cancel = threading.Event()
    with _provider(server) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        cancel.set()
        with pytest.raises(OperationCancelled) as cancelled:
            p.create_job(request, cancel=cancel)
    assert _hits(server, "POST") == 0
    assert cancelled.value.message == "Cancelled: creating the fine-tuning job."
    assert cancelled.value.maybe_created is False  # type: ignore[attr-defined]


def test_a_refused_create_says_nothing_was_made(
    server: PracticeServer, source: UploadSource
) -> None:
    with _provider(server) as p, pytest.raises(ValidationError) as refused:
        p.create_job(JobRequest(model="gpt-4o-mini", training_file="file-missing"))
    assert _hits(server, "POST") == 1
    assert refused.value.maybe_created is False  # type: ignore[attr-defined]


def _to_error(exc: BaseException) -> ProviderError:
    return exc if isinstance(exc, ProviderError) else ServerError(str(exc))


def test_a_create_stopped_inside_its_request_is_a_cancel_that_made_nothing() -> None:
    def attempt() -> str:
        raise OperationCancelled("The upload")

    with pytest.raises(OperationCancelled) as cancelled:
        create_exactly_once(attempt, look_up=lambda: None, to_error=_to_error, policy=RetryPolicy())
    assert cancelled.value.message == "Cancelled: the request."
    assert cancelled.value.maybe_created is False  # type: ignore[attr-defined]


def test_a_create_lost_every_time_but_never_made_stops_after_three_sends(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    # each answer is lost before the server acts, and each look-up answers "no such job"
    server.faults.add(Fault("drop", path=JOBS, method="POST", times=0))
    with _provider(server, max_attempts=3, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(NetworkError) as lost:
            p.create_job(request)
    assert _hits(server, "POST") == 3 and server.api.job_count() == 0
    assert lost.value.maybe_created is False  # type: ignore[attr-defined]


def test_after_the_server_said_nothing_was_made_a_refusal_says_so_too(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    server.faults.add(Fault("drop", path=JOBS, method="POST"))
    server.faults.add(Fault("status", path=JOBS, method="POST", status=400))
    with _provider(server, max_attempts=3, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(ValidationError) as refused:
            p.create_job(request)
    assert _hits(server, "POST") == 2
    assert refused.value.maybe_created is False  # type: ignore[attr-defined]


def test_an_unconfirmed_create_names_what_was_being_created(
    server: PracticeServer, recorded: Recorded, source: UploadSource
) -> None:
    server.faults.add(Fault("drop_after", path=JOBS, method="POST"))
    server.faults.add(Fault("status", path=JOBS, method="GET", status=500, times=0))
    with _provider(server, wait=recorded) as p:
        request = JobRequest(model="gpt-4o-mini", training_file=p.upload_file(source).id)
        with pytest.raises(CreateUnconfirmedError) as unconfirmed:
            p.create_job(request)
    assert unconfirmed.value.message.startswith("Creating the fine-tuning job: the provider did")


def test_which_troubles_are_worth_a_retry() -> None:
    assert is_retryable(ProviderError("timeout", status=408)) is True
    assert is_retryable(ProviderError("conflict", status=409)) is True
    assert is_retryable(ProviderError("gone", status=410)) is False
    assert is_retryable(ProviderError("odd", status=None)) is False
    assert is_retryable(CreateUnconfirmedError()) is False


def test_a_read_cancelled_before_it_starts_is_never_sent() -> None:
    cancel = threading.Event()
    cancel.set()
    sent: list[int] = []
    with pytest.raises(OperationCancelled) as cancelled:
        call_with_retries(
            lambda: sent.append(1), to_error=_to_error, policy=RetryPolicy(), cancel=cancel
        )
    assert sent == [] and cancelled.value.message == "Cancelled: the request."
