"""Fixtures for the training GUI tests: a real practice server on 127.0.0.1 and a hub.

Everything is real: the practice server speaks OpenAI's API over HTTP, the providers use the
official `openai` client, the keyring is the conftest's file backend, the job store is SQLite in
the test's own app folder.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from training_helpers import FAST, make_hub  # type: ignore[import-not-found]

from desktop_app.core.practice_server import PracticeServer
from desktop_app.ui.training.hub import TrainingHub


@pytest.fixture
def practice_server() -> Iterator[PracticeServer]:
    server = PracticeServer(pace=FAST).start()
    yield server
    server.stop()


@pytest.fixture
def hub(qtbot, practice_server: PracticeServer) -> Iterator[TrainingHub]:
    made = make_hub(practice_server)
    yield made
    assert made.shutdown(20_000), "training work was still running at the end of the test"
