"""Fixtures for the window tests (helpers live in window_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from window_helpers import close_window, make_window

import desktop_app.qt.pyside_workarounds  # noqa: F401  (PySide6 6.12 refcount bug guard)
from desktop_app.core.templates import sample_path
from desktop_app.ui.main_window import MainWindow


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
