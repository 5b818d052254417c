"""The “Export for…” dialog, offscreen with pytest-qt: it exports on a worker and lists the notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exports.validators import VALIDATORS

from PySide6.QtWidgets import QMessageBox

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.exports import ExportResult
from desktop_app.qt.tasks import TaskRunner
from desktop_app.ui.dialogs.export_for import ExportForDialog, run_export_for

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support propagateSizeHints"
)  # offscreen


def _pick(dialog: ExportForDialog, target: str) -> None:
    dialog.target.setCurrentIndex(dialog.target.findData(target))


def test_export_runs_on_a_worker_and_shows_what_was_changed(
    qtbot, chat_file: Path, tmp_path: Path, tasks: TaskRunner
) -> None:
    dataset = Dataset.open(chat_file)
    dialog = run_export_for(None, dataset, tasks)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and not dialog.open_readme.isVisible()  # nothing exported yet
    _pick(dialog, "axolotl")
    assert dialog.folder.text() == str(chat_file.parent / "library-chats-axolotl")
    assert dialog.base_model.placeholderText() == "Qwen/Qwen2.5-0.5B-Instruct"
    out = tmp_path / "for-axolotl"
    dialog.folder.setText(str(out))
    dialog.split_validation.setChecked(True)
    dialog.share.setValue(20)
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as done:
        dialog.export_button.click()
    result = done.args[0]
    assert isinstance(result, ExportResult) and result.folder == out
    rows = VALIDATORS["axolotl"](out)
    assert result.validation_examples == len(rows["valid"]) >= 1
    text = dialog.notes.toPlainText()
    assert dialog.notes.isVisible() and "Left out 1 blank line (line 2)." in text
    assert "Done:" in dialog.status.text() and dialog.open_readme.isVisible()
    assert dialog.export_button.isEnabled()
    dialog.close()


def test_the_choices_follow_the_trainer_and_an_earlier_export_can_be_replaced(
    qtbot, chat_file: Path, tmp_path: Path
) -> None:
    pools = TaskRunner()
    dialog = ExportForDialog(Dataset.open(chat_file), pools=pools)
    qtbot.addWidget(dialog)
    _pick(dialog, "mlx-lm")
    assert not dialog.no_validation.isEnabled() and dialog.split_validation.isChecked()
    assert "MLX-LM will not train without" in dialog.no_validation.text()
    _pick(dialog, "trl")  # set aside for MLX-LM by the app: back to none for a trainer without need
    assert dialog.no_validation.isEnabled() and dialog.no_validation.isChecked()
    dialog.split_validation.click()  # the writer's own choice stays
    _pick(dialog, "mlx-lm")
    _pick(dialog, "trl")
    assert dialog.split_validation.isChecked()
    _pick(dialog, "mlx-lm")
    assert dialog.base_model.placeholderText().startswith("mlx-community/")
    out = tmp_path / "mac"
    dialog.folder.clear()
    qtbot.keyClicks(dialog.folder, str(out))  # typed by the writer: later trainer picks keep it
    dialog.base_model.setText("mlx-community/Llama-3.2-1B-Instruct-4bit")
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export_button.click()
    assert "Llama-3.2-1B" in (out / "lora_config.yaml").read_text(encoding="utf-8")
    assert dialog.replace.isVisibleTo(dialog)  # the folder now holds an export
    dialog.replace.setChecked(True)
    _pick(dialog, "trl")  # the folder was typed in, so it stays
    assert dialog.folder.text() == str(out)
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        dialog.export_button.click()
    VALIDATORS["trl"](out)
    assert not (out / "lora_config.yaml").exists()
    dialog.close()
    assert pools.shutdown(5000)


def test_a_failed_export_is_shown_in_plain_words(
    qtbot, preference_file: Path, tmp_path: Path, tasks: TaskRunner
) -> None:
    dialog = ExportForDialog(Dataset.open(preference_file), pools=tasks)
    qtbot.addWidget(dialog)
    _pick(dialog, "mlx-lm")
    dialog.folder.setText(str(tmp_path / "pairs"))
    with qtbot.waitSignal(dialog.export_failed, timeout=20_000) as failed:
        dialog.export_button.click()
    assert "cannot train on preference pairs" in str(failed.args[0])
    boxes = [w for w in dialog.findChildren(QMessageBox) if w.objectName() == "error-box"]
    assert boxes and "cannot train on preference pairs" in boxes[0].text()
    assert "TRL" in boxes[0].informativeText()
    assert dialog.status.text() == "Nothing was exported."
    for box in boxes:
        box.close()
    dialog.close()


def test_vertex_export_from_the_dialog_writes_gemini_rows(
    qtbot, chat_file: Path, tmp_path: Path, tasks: TaskRunner
) -> None:
    dialog = ExportForDialog(Dataset.open(chat_file), pools=tasks)
    qtbot.addWidget(dialog)
    _pick(dialog, "vertex")
    assert dialog.base_model.placeholderText() == "gemini-2.5-flash"
    assert "Google Cloud" in dialog.summary.text()
    out = tmp_path / "for-vertex"
    dialog.folder.setText(str(out))
    dialog.base_model.setText("gemini-2.5-flash-lite")
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as done:
        dialog.export_button.click()
    rows = VALIDATORS["vertex"](out)
    assert done.args[0].train_examples == len(rows["train"])
    assert "gemini-2.5-flash-lite" in (out / "tuning-job.json").read_text(encoding="utf-8")
    assert "tool calls or tool results (lines 10 and 15)" in dialog.notes.toPlainText()
    dialog.close()


def test_a_tiny_dataset_still_exports_for_a_trainer_that_needs_validation(
    qtbot, tmp_path: Path, tasks: TaskRunner
) -> None:
    chats = [
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    ] * 2
    dialog = ExportForDialog(Dataset.from_values(chats), pools=tasks)
    qtbot.addWidget(dialog)
    _pick(dialog, "mlx-lm")
    assert dialog.split_validation.isChecked()  # set aside for it, as it needs
    dialog.folder.setText(str(tmp_path / "mac"))
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as done:
        dialog.export_button.click()
    assert done.args[0].validation_examples == 2  # too few to set aside: copies, and it says so
    assert "copies of the training examples" in dialog.notes.toPlainText()
    dialog.close()
