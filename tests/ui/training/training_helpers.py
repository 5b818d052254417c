"""Helpers and fixtures for the training GUI tests: a real practice server on 127.0.0.1, a hub
factory, datasets. Test modules import the fixtures they use (no conftest.py here: GUI-A's tests
import `conftest` by name, and a second one in this folder would shadow theirs).

Everything is real: the practice server speaks OpenAI's API over HTTP, the providers use the
official `openai` client, the keyring is the conftest's file backend, the job store is SQLite in
the test's own app folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.ui.training.hub import TrainingHub

FAST = 60.0  # practice pace: a whole job in about half a second
QUICK_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


def chat_example(number: int, reply: str | None = None) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": "You answer in the Larkspur house style."},
            {"role": "user", "content": f"Question number {number}: how do I water fern {number}?"},
            {"role": "assistant", "content": reply or f"Water fern {number} once a week, gently."},
        ]
    }


def chat_dataset(count: int, path=None) -> Dataset:
    dataset = Dataset.from_values([chat_example(i) for i in range(1, count + 1)])
    if path is not None:
        path.write_bytes(dataset.to_bytes())
        dataset = Dataset.open(path)
    return dataset


def jsonl(values: list[Any]) -> bytes:
    return b"".join(json.dumps(v).encode() + b"\n" for v in values)


def make_hub(server: PracticeServer | None, **kwargs: Any) -> TrainingHub:
    options: dict[str, Any] = {
        "practice_server": server,
        "retry": QUICK_RETRY,
        "poll_interval": 0.05,
        "tick_ms": 30,
    }
    options.update(kwargs)
    return TrainingHub(**options)


@pytest.fixture(name="practice_server")
def practice_server_fixture() -> Iterator[PracticeServer]:
    server = PracticeServer(pace=FAST).start()
    yield server
    server.stop()


@pytest.fixture(name="hub")
def hub_fixture(qtbot, practice_server: PracticeServer) -> Iterator[TrainingHub]:
    made = make_hub(practice_server)
    yield made
    assert made.shutdown(20_000), "training work was still running at the end of the test"
