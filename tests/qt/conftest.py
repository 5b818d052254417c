"""Fixtures for the Qt adapter tests (documents, pools, stores)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import desktop_app.qt.pyside_workarounds  # noqa: F401  (PySide6 6.12 refcount bug guard)
from desktop_app.core.templates import sample_path
from desktop_app.qt.workers import WorkerPools

SAMPLE = sample_path()


@pytest.fixture
def pools(qapp) -> Iterator[WorkerPools]:
    """Worker pools that must be idle (and are waited for) when the test ends."""
    owned = WorkerPools()
    yield owned
    assert owned.shutdown(20_000), "background work was still running at the end of the test"


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "brand_voice.jsonl"
    path.write_bytes(SAMPLE.read_bytes())
    return path
