"""The Import dialog's JSON page: what it recognised, changing the mapping, reading on a worker
with progress and Cancel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from editor_samples import ORIGINAL

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.qt.tasks import TaskRunner
from desktop_app.ui.dialogs.import_dialog import ImportDialog

SHAPES = Path(__file__).resolve().parents[1] / "data" / "shapes"


@pytest.fixture
def dataset() -> Dataset:
    return Dataset.from_bytes(ORIGINAL)


def _dialog(qtbot, dataset: Dataset, parent: _Window | None = None) -> ImportDialog:
    pools = parent.pools if parent is not None else None
    dialog = ImportDialog(dataset, QUndoStack(), parent, pools=pools)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_alpaca_is_recognised_previewed_and_imported_in_one_step(qtbot, dataset) -> None:
    dialog = _dialog(qtbot, dataset)
    before = len(dataset)
    dialog.set_source("json", SHAPES / "alpaca.json")
    assert dialog.shapes.recognised.text() == "Alpaca, 4 examples"
    assert dialog.preview.rowCount() == 4
    assert dialog.preview.item(1, 1).text() == "Translate to French.\n\nGood morning"
    dialog.accept()
    assert len(dataset) == before + 4
    assert all(dataset[i].parse().kind is RecordKind.CHAT for i in range(before, before + 4))
    assert dialog.stack.count() == 1


def test_the_writer_can_change_the_fields(qtbot, dataset) -> None:
    dialog = _dialog(qtbot, dataset)
    dialog.set_source("json", SHAPES / "question_answer.jsonl")
    assert dialog.shapes.recognised.text() == "Prompt and reply (question → answer), 2 examples"
    assert dialog.preview.item(0, 1).text() == "Where is Lisbon?"
    dialog.shapes.prompt_field.setCurrentIndex(dialog.shapes.prompt_field.findData("answer"))
    dialog.shapes.reply_field.setCurrentIndex(dialog.shapes.reply_field.findData("question"))
    assert dialog.preview.item(0, 1).text() == "In Portugal."
    assert dialog.preview.item(0, 2).text() == "Where is Lisbon?"


def test_choosing_another_shape_reports_what_does_not_fit(qtbot, dataset) -> None:
    dialog = _dialog(qtbot, dataset)
    dialog.set_source("json", SHAPES / "sharegpt.json")
    assert dialog.preview.rowCount() == 2
    dialog.shapes.shape.setCurrentIndex(dialog.shapes.shape.findData("alpaca"))
    assert dialog.preview.rowCount() == 0
    assert "Examples 1 and 2: its “instruction” is missing or not text" in dialog.notes.text()
    assert not dialog.import_button.isEnabled()


class _Window(QWidget):
    """A parent whose worker pools the dialog is given, as the main window's files do."""

    def __init__(self) -> None:
        super().__init__()
        self.pools = TaskRunner()


def _big_alpaca(path: Path, count: int) -> None:
    rows = [
        {"instruction": f"Question {n}?", "input": "", "output": f"Answer {n}."}
        for n in range(count)
    ]
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")


def test_reading_runs_on_a_worker_with_progress(qtbot, tmp_path, dataset) -> None:
    parent = _Window()
    qtbot.addWidget(parent)
    path = tmp_path / "alpaca.json"
    _big_alpaca(path, 3000)
    dialog = _dialog(qtbot, dataset, parent)
    seen: list[float] = []
    dialog.set_source("json", path)
    assert dialog.shapes.busy and dialog.shapes.progress_row.isVisibleTo(dialog)
    dialog.shapes._signals.progress.connect(seen.append)
    qtbot.waitUntil(lambda: dialog.shapes.source is not None, timeout=30_000)
    assert dialog.shapes.recognised.text() == "Alpaca, 3,000 examples"
    assert seen and seen[-1] == 1.0
    assert not dialog.shapes.progress_row.isVisibleTo(dialog)
    parent.pools.shutdown(10_000)


def test_reading_can_be_cancelled(qtbot, tmp_path, dataset) -> None:
    parent = _Window()
    qtbot.addWidget(parent)
    path = tmp_path / "alpaca.json"
    _big_alpaca(path, 40_000)
    dialog = _dialog(qtbot, dataset, parent)
    dialog.set_source("json", path)
    worker = dialog.shapes._worker
    with qtbot.waitSignal(worker.signals.cancelled, timeout=30_000):
        qtbot.mouseClick(dialog.shapes.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.shapes.source is None and not dialog.shapes.busy
    assert not dialog.shapes.progress_row.isVisibleTo(dialog)
    parent.pools.shutdown(10_000)


def test_an_already_chat_file_can_still_be_imported(qtbot, tmp_path, dataset) -> None:
    path = tmp_path / "chat.jsonl"
    shutil.copy(SHAPES / "hf_messages.jsonl", path)
    dialog = _dialog(qtbot, dataset)
    dialog.set_source("json", path)
    assert dialog.preview.rowCount() == 2 and dialog.import_button.isEnabled()
