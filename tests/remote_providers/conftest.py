"""Local Together and Fireworks servers, and providers pointed at them with a test key."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.remote_providers.fake_fireworks import FakeFireworks
from tests.remote_providers.fake_together import FakeTogether

from desktop_app.core.providers.fireworks import FireworksProvider
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.providers.together import TogetherProvider


def _no_wait(delay: float, cancel: object) -> None:
    """Retries in tests do not sleep."""


@pytest.fixture
def together_server() -> Iterator[FakeTogether]:
    with FakeTogether() as server:
        yield server
    assert not server.errors, server.errors


@pytest.fixture
def together(together_server: FakeTogether) -> Iterator[TogetherProvider]:
    with TogetherProvider(
        api_key=together_server.api_key,
        base_url=together_server.base_url,
        retry=RetryPolicy(max_attempts=3, wait=_no_wait),
        timeouts=Timeouts(read=5.0),
    ) as provider:
        yield provider


@pytest.fixture
def fireworks_server() -> Iterator[FakeFireworks]:
    with FakeFireworks() as server:
        yield server
    assert not server.errors, server.errors


@pytest.fixture
def fireworks(fireworks_server: FakeFireworks) -> Iterator[FireworksProvider]:
    with FireworksProvider(
        api_key=fireworks_server.api_key,
        base_url=fireworks_server.account_url,
        retry=RetryPolicy(max_attempts=3, wait=_no_wait),
        timeouts=Timeouts(read=5.0),
    ) as provider:
        yield provider


def chat_lines(n: int) -> bytes:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Where is shelf {i}?"},
                {"role": "assistant", "content": f"Aisle {i}."},
            ]
        }
        for i in range(n)
    ]
    return "".join(json.dumps(r) + "\n" for r in rows).encode()
