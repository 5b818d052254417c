"""Fixtures for the window tests (helpers live in window_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from window_helpers import close_window, make_window, stop_answering_dialogs

from desktop_app.core.dataset.templates import sample_path
from desktop_app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_dialog_answers_left() -> Iterator[None]:
    """A dialog answer a test set up but never used must not answer the next test's dialog."""
    yield
    stop_answering_dialogs()


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    win = make_window(qtbot)
    yield win
    close_window(win)


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "brand_voice.jsonl"
    path.write_bytes(sample_path().read_bytes())
    return path
