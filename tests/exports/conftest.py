"""Small datasets that hold every case an export must convert, leave out or report."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exports.cases import CHAT_LINES, PREFERENCE_LINES, jsonl

from desktop_app.core.dataset.records import Dataset


@pytest.fixture
def chat_file(tmp_path: Path) -> Path:
    path = tmp_path / "library-chats.jsonl"
    path.write_bytes(jsonl(CHAT_LINES, bom=True, crlf=True))
    return path


@pytest.fixture
def chat_dataset(chat_file: Path) -> Dataset:
    return Dataset.open(chat_file)


@pytest.fixture
def preference_file(tmp_path: Path) -> Path:
    path = tmp_path / "library-pairs.jsonl"
    path.write_bytes(jsonl(PREFERENCE_LINES))
    return path
