"""Fixtures for the practice server tests: a running server, an SDK client for it, sample files."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import openai
import pytest

from desktop_app.core.practice_server import PracticeServer

FAST = 3000.0  # a whole simulated job takes about 10 ms


def _example(i: int) -> dict[str, object]:
    return {
        "messages": [
            {"role": "system", "content": "You answer questions about the garden."},
            {"role": "user", "content": f"When should I plant tulip bulbs, batch {i}?"},
            {
                "role": "assistant",
                "content": f"Plant them in autumn, before the first frost ({i}).",
            },
        ]
    }


@pytest.fixture
def make_jsonl() -> Callable[..., bytes]:
    """make_jsonl(n) → n chat examples; make_jsonl(values=[...]) → those values, one per line."""

    def build(n: int = 12, *, values: list[object] | None = None) -> bytes:
        rows = values if values is not None else [_example(i) for i in range(n)]
        return "".join(json.dumps(v) + "\n" for v in rows).encode("utf-8")

    return build


@pytest.fixture
def server() -> Iterator[PracticeServer]:
    with PracticeServer(pace=FAST) as running:
        yield running


@pytest.fixture
def client(server: PracticeServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        api_key="sk-practice-test", base_url=server.base_url, max_retries=0, timeout=10
    ) as sdk:
        yield sdk


@pytest.fixture
def upload(client: openai.OpenAI) -> Callable[..., str]:
    def send(content: bytes, name: str = "train.jsonl") -> str:
        return str(client.files.create(file=(name, content), purpose="fine-tune").id)

    return send


@pytest.fixture
def finished(client: openai.OpenAI) -> Callable[[str], object]:
    """finished(job_id) → the job once it is succeeded, failed or cancelled (bounded polling)."""

    def wait(job_id: str) -> object:
        for _ in range(2000):
            job = client.fine_tuning.jobs.retrieve(job_id)
            if job.status in ("succeeded", "failed", "cancelled"):
                return job
            time.sleep(0.005)
        raise AssertionError(f"job {job_id} never finished")

    return wait
