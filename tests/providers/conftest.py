"""Fixtures for the provider tests: a practice server, providers for it, sample training data."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import Job, Provider, UploadSource
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import RetryPolicy
from retry_waits import Waits


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def server() -> Iterator[PracticeServer]:
    with PracticeServer(pace=3000) as running:
        yield running


@pytest.fixture
def provider(server: PracticeServer, waits: Waits) -> Iterator[PracticeProvider]:
    with PracticeProvider(
        base_url=server.base_url,
        retry=RetryPolicy(max_attempts=3, wait=waits),
        timeouts=Timeouts(read=5.0),
    ) as practice:
        yield practice


def _example(i: int) -> dict[str, object]:
    return {
        "messages": [
            {"role": "user", "content": f"How do I reset my password ({i})?"},
            {"role": "assistant", "content": f"Open Settings, then Security, then Reset ({i})."},
        ]
    }


@pytest.fixture
def training_data() -> Callable[..., bytes]:
    def build(n: int = 12, start: int = 0) -> bytes:
        return "".join(json.dumps(_example(i)) + "\n" for i in range(start, start + n)).encode()

    return build


@pytest.fixture
def source(training_data: Callable[..., bytes]) -> UploadSource:
    return UploadSource.from_bytes(training_data(), "train.jsonl")


@pytest.fixture
def until_done() -> Callable[[Provider, str], Job]:
    def wait(provider: Provider, job_id: str) -> Job:
        for _ in range(2000):
            job = provider.get_job(job_id)
            if job.is_terminal:
                return job
            time.sleep(0.005)
        raise AssertionError(f"job {job_id} never finished")

    return wait
