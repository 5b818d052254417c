"""Shared by the playground and comparison tests: a practice server with a model trained on it.

The practice server answers over real HTTP: a tuned model replies with the training example
whose question is closest to the prompt, a base model with a generic answer.
"""

from __future__ import annotations

import json
import time
from typing import Any

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import JobRequest, UploadSource
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import RetryPolicy

SYSTEM = "You answer in the Larkspur house style."
BASE_MODEL = "gpt-4o-mini"
QUICK_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)


def question(number: int) -> str:
    return f"How often should I water fern number {number}?"


def answer(number: int) -> str:
    return f"Water fern {number} once a week, gently, in the morning."


def example(number: int) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": question(number)},
            {"role": "assistant", "content": answer(number)},
        ]
    }


def examples(count: int, start: int = 1) -> list[dict[str, Any]]:
    return [example(n) for n in range(start, start + count)]


def jsonl(values: list[Any]) -> bytes:
    return b"".join(json.dumps(v).encode() + b"\n" for v in values)


def train(server: PracticeServer, count: int = 12) -> str:
    """Train a practice model on `count` fern examples; returns the tuned model's name."""
    with PracticeProvider(base_url=server.base_url, timeouts=Timeouts(read=10.0)) as provider:
        upload = provider.upload_file(
            UploadSource.from_bytes(jsonl(examples(count)), "ferns.jsonl")
        )
        job = provider.create_job(JobRequest(model=BASE_MODEL, training_file=upload.id))
        deadline = time.monotonic() + 30
        while not job.is_terminal:
            assert time.monotonic() < deadline, "the practice job did not finish"
            time.sleep(0.01)
            job = provider.get_job(job.id)
    assert job.fine_tuned_model, job
    return job.fine_tuned_model


def practice_provider(server: PracticeServer, read: float = 10.0) -> PracticeProvider:
    return PracticeProvider(
        base_url=server.base_url, retry=QUICK_RETRY, timeouts=Timeouts(read=read)
    )


def job_of(server: PracticeServer, model: str) -> str:
    """The id of the practice job that trained `model`."""
    with PracticeProvider(base_url=server.base_url) as provider:
        return next(
            j.id for j in provider.list_jobs(limit=100).items if j.fine_tuned_model == model
        )
