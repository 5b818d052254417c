"""Fixtures of the reliability suite: a practice server, a fault proxy in front of it, a provider
(the real `openai` client) talking through the proxy, a job store, and request counters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.reliability.fault_proxy import FaultProxy

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import UploadSource
from desktop_app.core.providers.openai_provider import Timeouts
from desktop_app.core.providers.practice import PracticeProvider
from desktop_app.core.providers.retry import RetryPolicy
from desktop_app.core.training.jobs import TrainingPlan
from desktop_app.core.training.jobstore import JobStore
from retry_waits import Waits

REPO = Path(__file__).resolve().parents[2]
JOBS = r"^/v1/fine_tuning/jobs$"
LOOKUP = r"^/v1/fine_tuning/jobs\?.*metadata"


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def server() -> Iterator[PracticeServer]:
    with PracticeServer(pace=3000) as running:
        yield running


@pytest.fixture
def proxy(server: PracticeServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.base_url) as running:
        yield running


@pytest.fixture
def provider(proxy: FaultProxy, waits: Waits) -> Iterator[PracticeProvider]:
    with PracticeProvider(
        base_url=proxy.base_url,
        retry=RetryPolicy(max_attempts=3, wait=waits),
        timeouts=Timeouts(read=10.0),
    ) as practice:
        yield practice


@pytest.fixture
def store(app_home: Path) -> Iterator[JobStore]:
    with JobStore() as opened:
        yield opened


def example_lines(n: int = 12) -> bytes:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"When does the library open on day {i}?"},
                {"role": "assistant", "content": f"At nine on day {i}."},
            ]
        }
        for i in range(n)
    ]
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


@pytest.fixture
def plan() -> TrainingPlan:
    return TrainingPlan(
        model="gpt-4o-mini-2024-07-18",
        training=UploadSource.from_bytes(example_lines(), "library.jsonl"),
    )


def posts(server: PracticeServer, path_end: str) -> int:
    """How many POSTs to a path the practice server itself received."""
    return sum(1 for r in server.requests if r.method == "POST" and r.path.endswith(path_end))


def server_jobs(server: PracticeServer) -> list[str]:
    return list(server.api._jobs)  # the server's own list, not what any client was told


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(app_home: Path) -> Callable[..., Ran]:
    """`python -m desktop_app.cli` in a child process with the test's app folder and no
    PYTHONIOENCODING (a real terminal's strict UTF-8)."""

    def run(*argv: object, env: dict[str, str] | None = None, timeout: float = 120) -> Ran:
        child_env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
        child_env.update(PYTHONPATH=str(REPO), FINETUNE_STUDIO_HOME=str(app_home))
        child_env.update(env or {})
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app.cli", *map(str, argv)],
            cwd=REPO,
            env=child_env,
            capture_output=True,
            timeout=timeout,
        )
        decode = lambda b: b.decode("utf-8", "backslashreplace")  # noqa: E731
        return Ran(done.returncode, decode(done.stdout), decode(done.stderr))

    return run
