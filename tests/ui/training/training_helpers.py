"""Helpers for the training GUI tests: datasets, a hub factory (fixtures are in conftest.py)."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.core.dataset import Dataset
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
