"""The walk uses the window tests' helpers (tests/ui/window_helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

import pytest
from window_helpers import stop_answering_dialogs


@pytest.fixture(autouse=True)
def no_dialog_answers_left():
    """A dialog answer the walk set up but never used must not answer a later dialog."""
    yield
    stop_answering_dialogs()
