"""Fixtures for the playground and comparison window tests: a practice server with a trained
model (real HTTP, streaming included), the shared services, and an open document.

Test modules import the fixture functions (named `*_fixture`; pytest knows them by the short
names). This is not a conftest.py on purpose: tests elsewhere import their conftest as a
top-level module named `conftest`, which a conftest here (collected first) would shadow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from tests.core.compare_support import QUICK_RETRY, examples, job_of, train

from PySide6.QtGui import QUndoStack

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import Job
from desktop_app.core.training.jobstore import JobStore
from desktop_app.ui.playground.services import TryServices


@dataclass
class OpenDocument:
    """What the playground needs of the main window's document: the dataset and its undo stack."""

    dataset: Dataset
    undo_stack: QUndoStack = field(default_factory=QUndoStack)


@pytest.fixture(scope="module", name="trained")
def trained_fixture() -> Iterator[tuple[PracticeServer, str]]:
    server = PracticeServer(pace=3000).start()
    try:
        yield server, train(server)
    finally:
        server.stop()


@pytest.fixture(name="server")
def server_fixture(trained) -> Iterator[PracticeServer]:
    practice = trained[0]
    practice.config.chat_piece_delay = 0.0
    yield practice
    practice.faults.clear()
    practice.config.chat_piece_delay = 0.0


@pytest.fixture(name="tuned")
def tuned_fixture(trained) -> str:
    return trained[1]


@pytest.fixture(name="document")
def document_fixture(qapp) -> OpenDocument:
    return OpenDocument(Dataset.from_values(examples(5)))


@pytest.fixture(name="store")
def store_fixture(tmp_path, server, tuned) -> Iterator[JobStore]:
    """The app's job records, holding the practice job that trained `tuned`."""
    opened = JobStore(tmp_path / "jobs.sqlite3").open()
    job = Job(
        id=job_of(server, tuned),
        status="succeeded",
        model="gpt-4o-mini-2024-07-18",
        created_at=1_700_000_000,
        fine_tuned_model=tuned,
        suffix="ferns",
    )
    opened.record_job(job, provider="practice", account="local", base_url=server.base_url)
    yield opened
    opened.close()


@pytest.fixture(name="services")
def services_fixture(qtbot, server, document, store) -> Iterator[TryServices]:
    made = TryServices(
        document=lambda: document,
        store=lambda: store,
        practice_url=lambda: server.base_url,
        retry=QUICK_RETRY,
    )
    yield made
    assert made.shutdown(20_000), "playground work still running at the end of the test"
