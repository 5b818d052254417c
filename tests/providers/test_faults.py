"""What the provider does when the service misbehaves: injected faults on a real HTTP server.

The retry waits are recorded instead of slept (the `waits` fixture), so the tests check the
delays the provider asked for without timing anything.
"""

from __future__ import annotations

import threading

import pytest

from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.providers.base import JobRequest
from desktop_app.core.providers.errors import (
    BadResponseError,
    NetworkError,
    OperationCancelled,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
)
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import RetryPolicy

JOBS = r"^/fine_tuning/jobs$"


def _hits(server: PracticeServer, method: str, path: str) -> int:
    prefix = server.config.prefix
    return sum(1 for r in server.requests if r.method == method and r.path == prefix + path)


def test_429_retry_after_is_honoured(server, provider, waits) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=429, retry_after=7))

    page = provider.list_jobs()

    assert page.items == []
    assert waits == [7.0]  # waited exactly what the server asked, then succeeded
    assert _hits(server, "GET", "/fine_tuning/jobs") == 2


def test_a_long_retry_after_is_reported_not_waited_out(server, provider, waits) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=429, retry_after=300))

    with pytest.raises(RateLimitError) as busy:
        provider.list_jobs()

    assert waits == []
    assert busy.value.retry_after == 300
    assert busy.value.message == "The practice server is busy (rate limit)."
    assert busy.value.next_step == "Try again in 5 minutes."


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_within_bounds(status: int, server, provider, waits) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=status, times=2))

    assert provider.list_jobs().items == []
    assert len(waits) == 2 and waits[0] < waits[1] <= 1.0  # backoff 0.5 s then 1 s, less jitter
    assert _hits(server, "GET", "/fine_tuning/jobs") == 3


def test_a_lasting_outage_ends_in_a_plain_error(server, provider, waits) -> None:
    server.faults.add(Fault("status", path=JOBS, method="GET", status=503, times=0))

    with pytest.raises(ServerError) as outage:
        provider.list_jobs()

    assert _hits(server, "GET", "/fine_tuning/jobs") == 3  # max_attempts, no more
    assert outage.value.message == "The practice server had a problem on its side (error 503)."
    assert outage.value.next_step == "Try again in a few minutes. Nothing was lost."


def test_a_dropped_connection_is_retried(server, provider, waits) -> None:
    server.faults.add(Fault("drop", path=JOBS, method="GET"))

    assert provider.list_jobs().items == []
    assert len(waits) == 1


def test_connections_that_keep_dropping_end_in_a_network_error(server, provider) -> None:
    server.faults.add(Fault("drop", path=JOBS, method="GET", times=0))

    with pytest.raises(NetworkError) as broken:
        provider.list_jobs()

    assert broken.value.message == "Could not reach the practice server, or the connection broke."


def test_a_malformed_body_is_a_plain_error(server, provider) -> None:
    server.faults.add(Fault("malformed", path=r"^/fine_tuning/jobs/", method="GET", times=0))

    with pytest.raises(BadResponseError) as unreadable:
        provider.get_job("ftjob-anything")

    assert unreadable.value.message == "The practice server sent an answer the app could not read."
    assert "Traceback" not in str(unreadable.value)


def test_a_slow_answer_times_out_with_a_plain_error(server, waits) -> None:
    server.faults.add(Fault("slow", path=JOBS, method="GET", delay=5.0, times=0))
    with (
        PracticeProvider(
            base_url=server.base_url,
            timeouts=Timeouts(read=0.2),
            retry=RetryPolicy(max_attempts=2, wait=waits),
        ) as impatient,
        pytest.raises(RequestTimeoutError) as slow,
    ):
        impatient.list_jobs()

    assert slow.value.message == "The practice server did not answer in time."
    assert len(waits) == 1  # one retry, then the plain error
    # the server's slow handlers are still waiting; stopping the server (fixture) wakes them


def test_a_retried_create_never_makes_two_jobs(server, provider, source, waits) -> None:
    training = provider.upload_file(source)
    # the server creates the job, then the connection drops before the answer arrives
    server.faults.add(Fault("drop_after", path=JOBS, method="POST"))

    job = provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id))

    assert server.api.job_count() == 1
    assert _hits(server, "POST", "/fine_tuning/jobs") == 1  # found by its token, not re-sent
    assert provider.get_job(job.id).id == job.id


def test_a_create_that_really_failed_is_sent_again(server, provider, source) -> None:
    training = provider.upload_file(source)
    server.faults.add(Fault("status", path=JOBS, method="POST", status=500))

    job = provider.create_job(JobRequest(model="gpt-4o-mini", training_file=training.id))

    assert server.api.job_count() == 1
    assert _hits(server, "POST", "/fine_tuning/jobs") == 2
    assert provider.list_jobs().items[0].id == job.id


def test_cancel_during_a_retry_wait(server, source) -> None:
    cancel = threading.Event()
    server.faults.add(Fault("status", path=JOBS, method="POST", status=503, times=0))

    def wait(delay: float, token: object) -> None:
        cancel.set()  # the person presses Cancel while the provider waits to retry

    with (
        PracticeProvider(base_url=server.base_url, retry=RetryPolicy(wait=wait)) as provider,
        pytest.raises(OperationCancelled),
    ):
        provider.create_job(JobRequest(model="gpt-4o-mini", training_file="file-x"), cancel=cancel)
