"""Fixtures for the Qt adapter tests (documents, pools, stores)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.review import ReviewStore
from desktop_app.core.dataset.templates import sample_path
from desktop_app.qt.analysis_store import AnalysisStore
from desktop_app.qt.examples_model import ExamplesModel
from desktop_app.qt.tasks import TaskRunner

SAMPLE = sample_path()


@pytest.fixture
def pools(qapp, processes) -> Iterator[TaskRunner]:
    """A task runner that must be idle (and is waited for) when the test ends."""
    owned = TaskRunner(processes)
    yield owned
    assert owned.shutdown(20_000), "background work was still running at the end of the test"


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "brand_voice.jsonl"
    path.write_bytes(SAMPLE.read_bytes())
    return path


@pytest.fixture
def stores(qtbot, pools):
    """The sample plus a broken line, checked: dataset, analysis, review and examples model."""
    from qt_helpers import checked

    dataset = Dataset.from_bytes(SAMPLE.read_bytes() + b"\n{broken\n")
    analysis = AnalysisStore(dataset, pools)
    review = ReviewStore(dataset)
    model = ExamplesModel(dataset, analysis, review)
    analysis.start()
    qtbot.waitUntil(lambda: checked(analysis), timeout=30_000)
    qtbot.waitUntil(lambda: bool(analysis.dataset_problems()), timeout=5000)
    yield dataset, analysis, review, model
    analysis.detach()
    model.detach()
