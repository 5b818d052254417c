"""Bulk and file dialogs end to end with real widgets: import, find/replace, system prompt, export."""

from __future__ import annotations

import json

import pytest
from editor_samples import (
    BROKEN_LINE,
    CHAT_LINE,
    ORIGINAL,
    PAIR_LINE,
    TOOLS_LINE,
)

from PySide6.QtGui import QUndoStack

from desktop_app.core.dataset.jsonline import RecordKind, parse_line
from desktop_app.core.dataset.records import Dataset
from desktop_app.ui.dialogs.export_dialog import ExportDialog, describe_written
from desktop_app.ui.dialogs.find_replace import FindReplaceDialog
from desktop_app.ui.dialogs.import_dialog import ImportDialog
from desktop_app.ui.dialogs.system_prompt import SystemPromptDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def dataset() -> Dataset:
    return Dataset.from_bytes(ORIGINAL)


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


def _dialog(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# ---- import -----------------------------------------------------------------------------------
def test_import_csv_with_a_column_mapping(qtbot, tmp_path, dataset, stack):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "Question,Notes,Answer\n"
        "How do I reset my password?,internal,Open Settings and choose Reset.\n"
        "Where is my invoice?,,It is in Billing.\n"
        "No reply here,,\n",
        encoding="utf-8",
    )
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.set_source("table", path)
    assert [dialog.prompt_column.itemText(i) for i in range(3)] == ["Question", "Notes", "Answer"]
    assert dialog.prompt_column.currentText() == "Question"
    assert dialog.response_column.currentText() == "Answer"  # found by its name
    dialog.response_column.setCurrentIndex(dialog.response_column.findData("Notes"))
    dialog.update_preview()
    assert dialog.preview.rowCount() == 1  # only one row has a note
    dialog.response_column.setCurrentIndex(dialog.response_column.findData("Answer"))
    dialog.system.setText("You are a helpful support agent.")
    dialog.update_preview()
    assert dialog.preview.rowCount() == 2
    assert dialog.preview.item(0, 0).text() == "You are a helpful support agent."
    assert dialog.preview.item(0, 2).text() == "Open Settings and choose Reset."
    notes = dialog.notes.text()
    assert "2 examples will be added" in notes and "Row 4 has an empty reply" in notes
    assert "“Notes”" in notes  # the unused column is named
    dialog.import_button.click()
    assert len(dataset) == 9
    assert dataset.value(7)["messages"][1]["content"] == "How do I reset my password?"
    assert stack.undoText() == "Import 2 examples"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_imported_rows_get_the_system_prompt_most_examples_have(qtbot, tmp_path, stack):
    usual = "You answer for Larkspur.\nBe brief."  # kept exactly, line break and all
    chats = [
        {"messages": [*([{"role": "system", "content": usual}] if i < 3 else []), U, A]}
        for i in range(5)
    ]
    dataset = Dataset.from_values(chats)
    path = tmp_path / "sheet.csv"
    path.write_text("Question,Answer\nWhere is my invoice?,In Billing.\n", encoding="utf-8")
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    assert dialog.system.text() == usual
    assert "3 of your 5 examples start with" in _labels(dialog)
    dialog.set_source("table", path)
    dialog.update_preview()
    assert dialog.preview.item(0, 0).text() == usual
    dialog.import_button.click()
    assert dataset.value(5)["messages"][0] == {"role": "system", "content": usual}
    stack.undo()
    fewer = Dataset.from_values(chats[2:])  # one of three: not what most examples say
    assert _dialog(qtbot, ImportDialog(fewer, stack)).system.text() == ""
    cleared = _dialog(qtbot, ImportDialog(dataset, stack))
    cleared.system.clear()  # the writer's choice: no system prompt
    cleared.set_source("table", path)
    cleared.update_preview()
    cleared.import_button.click()
    assert dataset.value(5)["messages"][0]["role"] == "user"


U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello"}


def test_a_long_text_is_cut_in_the_import_preview(qtbot, tmp_path, dataset, stack):
    path = tmp_path / "sheet.csv"
    long = "Be kind. " * 60
    path.write_text(f"Question,Answer\nWhere?,{long}\n", encoding="utf-8")
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.set_source("table", path)
    dialog.update_preview()
    cell = dialog.preview.item(0, 2)
    assert cell.text().endswith("…") and len(cell.text()) < len(long)
    assert cell.toolTip() == long.strip()  # all of it (the spreadsheet cell, trimmed)


def _labels(dialog) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def test_enter_in_the_file_field_shows_the_preview_and_does_not_import(
    qtbot, tmp_path, dataset, stack
):
    """Typing a path and pressing Enter imported at once, columns unseen."""
    from PySide6.QtCore import QPoint, Qt

    path = tmp_path / "sheet.csv"
    path.write_text("Question,Answer\nHi?,Hello!\n", encoding="utf-8")
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.path.setFocus()
    qtbot.keyClicks(dialog.path, str(path))
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() == 0 and dataset.to_bytes() == ORIGINAL
    assert dialog.preview.rowCount() == 1 and dialog.prompt_column.currentText() == "Question"
    # both forms' fields start in one column ("File:" and "Replies from column:" did not)
    left = [w.mapTo(dialog, QPoint(0, 0)).x() for w in (dialog.file_row, dialog.prompt_column)]
    assert left[0] == left[1]


def test_a_spreadsheet_chosen_under_another_source_is_read_as_one(qtbot, tmp_path, dataset, stack):
    """Chosen as a script, a CSV file failed with advice for the command line."""
    path = tmp_path / "sheet.csv"
    path.write_text("Customer question,Our answer,Agent\nHi?,Hello!,Ana\n", encoding="utf-8")
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.set_source("script", path)
    assert dialog.kind == "table" and dialog.preview.rowCount() == 1
    assert dialog.response_column.currentText() == "Our answer"
    assert "ftstudio" not in dialog.notes.text() and dialog.import_button.isEnabled()


def test_import_xlsx(qtbot, tmp_path, stack):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["prompt", "response"])
    sheet.append(["Hi", "Hello!"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    dataset = Dataset()
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.set_source("table", path)
    dialog.import_button.click()
    assert dataset.value(0) == {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    }


def test_import_a_script_file_and_pasted_text(qtbot, tmp_path, dataset, stack):
    script = tmp_path / "script.txt"
    script.write_text(
        "User: Hi\nAssistant: Hello! How can I help?\n---\nUser: Bye\nAssistant: Take care.\n",
        encoding="utf-8",
    )
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.set_source("script", script)
    assert dialog.preview.rowCount() == 2
    assert dialog.preview.item(1, 1).text() == "Bye"
    dialog.set_source("paste")
    dialog.pasted.setPlainText("User: One\nAssistant: Two")
    dialog.update_preview()
    assert dialog.preview.rowCount() == 1
    dialog.pasted.setPlainText('{"prompt": "Q", "completion": " A"}')
    dialog.update_preview()
    assert dialog.preview.item(0, 2).text().strip() == "A"
    dialog.import_button.click()
    assert dataset.value(len(dataset) - 1)["messages"][0]["content"] == "Q"


def test_import_legacy_jsonl_and_errors_in_plain_words(qtbot, tmp_path, dataset, stack):
    legacy = tmp_path / "old.jsonl"
    legacy.write_text('{"prompt": "Q1 ->", "completion": " A1"}\n', encoding="utf-8")
    dialog = _dialog(qtbot, ImportDialog(dataset, stack))
    dialog.set_source("legacy", legacy)
    assert dialog.preview.rowCount() == 1 and dialog.import_button.isEnabled()
    dialog.set_source("legacy", tmp_path / "missing.jsonl")
    assert "could not be found" in dialog.notes.text()
    assert not dialog.import_button.isEnabled()
    assert "Traceback" not in dialog.notes.text()


# ---- find and replace -------------------------------------------------------------------------
def test_find_replace_previews_then_applies_in_one_undo_step(qtbot, dataset, stack):
    dialog = _dialog(qtbot, FindReplaceDialog(dataset, stack, []))
    assert dialog.scope.everything.isChecked()  # nothing selected: the whole file
    dialog.find_edit.setText("paris")
    dialog.replace.setText("Lyon")
    dialog.update_preview()
    assert dialog.preview.text() == "1 replacement in 1 example."
    dialog.find_edit.setText("user")  # a role name: never replaced
    dialog.update_preview()
    assert dialog.preview.text() == "No message contains this text."
    assert not dialog.replace_button.isEnabled()
    dialog.find_edit.setText(r"(\w+) shoe")
    dialog.regex.setChecked(True)
    dialog.replace.setText(r"\1 boot")
    dialog.update_preview()
    assert dialog.preview.text() == "2 replacements in 1 example."  # "the shoe", "BEST SHOE"
    dialog.replace_button.click()
    assert dataset.value(PAIR_LINE)["input"]["messages"][0]["content"] == "Describe the boot."
    assert dataset.value(PAIR_LINE)["non_preferred_output"][0]["content"] == "BEST boot!!!"
    assert dataset[BROKEN_LINE].raw == ORIGINAL.split(b"\n")[BROKEN_LINE]
    assert dialog.replaced == 2 and stack.count() == 1
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_find_replace_on_the_selection_and_a_bad_pattern(qtbot, dataset, stack):
    dialog = _dialog(qtbot, FindReplaceDialog(dataset, stack, [CHAT_LINE, TOOLS_LINE]))
    assert dialog.scope.selection.isChecked()
    dialog.find_edit.setText("e")
    dialog.update_preview()
    selected = dialog.preview.text()
    dialog.scope.everything.setChecked(True)
    dialog.update_preview()
    assert dialog.preview.text() != selected
    dialog.regex.setChecked(True)
    dialog.find_edit.setText("(unclosed")
    dialog.update_preview()
    assert "not a valid regular expression" in dialog.preview.text()
    assert not dialog.replace_button.isEnabled()


def test_find_replace_prefilter_does_not_miss_escaped_text(qtbot, stack):
    dataset = Dataset.from_bytes(
        b'{"messages": [{"role": "user", "content": "caf\\u00e9 \\"quoted\\""}]}\n'
    )
    dialog = _dialog(qtbot, FindReplaceDialog(dataset, stack, []))
    for text in ("café", '"quoted"'):
        dialog.find_edit.setText(text)
        dialog.update_preview()
        assert dialog.preview.text() == "1 replacement in 1 example.", text


# ---- system prompt ----------------------------------------------------------------------------
def test_system_prompt_on_all_examples_then_undo(qtbot, dataset, stack):
    dialog = _dialog(qtbot, SystemPromptDialog(dataset, stack, []))
    assert dialog.prompt.toPlainText() == "Be kind."  # the prompt most examples already use
    dialog.prompt.setPlainText("Be brief.")
    dialog.update_preview()
    assert dialog.preview.text() == "4 examples will change."  # chat, tools, pair, image
    dialog.apply_button.click()
    for line in (CHAT_LINE, TOOLS_LINE):
        assert dataset.value(line)["messages"][0] == {"role": "system", "content": "Be brief."}
    assert dataset.value(PAIR_LINE)["input"]["messages"][0]["content"] == "Be brief."
    assert stack.count() == 1 and dialog.changed_count == 4
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_system_prompt_add_only_where_missing_on_the_selection(qtbot, dataset, stack):
    dialog = _dialog(qtbot, SystemPromptDialog(dataset, stack, [CHAT_LINE, TOOLS_LINE]))
    dialog.mode_buttons["add_missing"].setChecked(True)
    dialog.prompt.setPlainText("Use tools.")
    dialog.update_preview()
    assert dialog.preview.text() == "1 example will change."
    dialog.apply_button.click()
    assert dataset.value(CHAT_LINE)["messages"][0]["content"] == "Be kind."
    assert dataset.value(TOOLS_LINE)["messages"][0]["content"] == "Use tools."


# ---- export -----------------------------------------------------------------------------------
def test_export_with_a_split_writes_two_clean_files(qtbot, tmp_path, dataset):
    dataset.path = tmp_path / "brand.jsonl"
    for _ in range(3):  # more distinct examples so both sides get some
        dataset.insert_values(len(dataset), [{"messages": [{"role": "user", "content": str(_)}]}])
    dialog = _dialog(qtbot, ExportDialog(dataset, error_count=2))
    assert dialog.warning.isVisibleTo(dialog)
    assert "2 errors" in dialog.warning.text() and "2 lines cannot be used" in dialog.warning.text()
    dialog.share.setValue(30)
    dialog.seed.setValue(7)
    dialog.update_summary()
    assert "brand_train.jsonl: 5 examples" in dialog.summary.text()
    assert "brand_validation.jsonl: 2 examples" in dialog.summary.text()
    dialog.export_button.click()
    train = (tmp_path / "brand_train.jsonl").read_bytes()
    validation = (tmp_path / "brand_validation.jsonl").read_bytes()
    for data in (train, validation):
        lines = data.split(b"\n")
        assert lines[-1] == b""  # every line ends with a newline
        for line in lines[:-1]:
            assert parse_line(line).kind in (RecordKind.CHAT, RecordKind.PREFERENCE)
    assert len(train.splitlines()) + len(validation.splitlines()) == 7
    assert not set(train.splitlines()) & set(validation.splitlines())
    assert [path.name for path, _ in dialog.written] == [
        "brand_train.jsonl",
        "brand_validation.jsonl",
    ]
    assert describe_written(dialog.written).startswith("Wrote brand_train.jsonl: 5 examples")
    assert not list(tmp_path.glob("*.ftstudio.json"))  # never review notes


def test_export_without_validation_and_into_a_missing_folder(qtbot, tmp_path, dataset, monkeypatch):
    dialog = _dialog(qtbot, ExportDialog(dataset))
    dialog.validation.setChecked(False)
    dialog.folder.setText(str(tmp_path))
    dialog.name.setText("all")
    dialog.update_summary()
    assert dialog.summary.text() == "all_train.jsonl: 4 examples"
    dialog.export_button.click()
    assert json.loads((tmp_path / "all_train.jsonl").read_text().splitlines()[0])["messages"]
    assert not (tmp_path / "all_validation.jsonl").exists()
    shown = []
    monkeypatch.setattr(
        "desktop_app.ui.dialogs.export_dialog.show_error", lambda parent, error: shown.append(error)
    )
    again = _dialog(qtbot, ExportDialog(dataset))
    again.folder.setText(str(tmp_path / "nope"))
    again.export_button.click()
    assert again.result() == 0 and "does not exist" in shown[0].message


def test_export_only_the_selected_examples(qtbot, tmp_path, dataset):
    dialog = _dialog(qtbot, ExportDialog(dataset, selected=[CHAT_LINE, PAIR_LINE, BROKEN_LINE]))
    assert dialog.scope.isVisibleTo(dialog) and dialog.scope.selection.isChecked()
    assert "1 line cannot be used" in dialog.warning.text()
    dialog.validation.setChecked(False)
    dialog.folder.setText(str(tmp_path))
    dialog.update_summary()
    assert dialog.summary.text() == "dataset_train.jsonl: 2 examples"
    dialog.export_button.click()
    lines = (tmp_path / "dataset_train.jsonl").read_bytes().splitlines()
    assert lines == [ORIGINAL.split(b"\n")[CHAT_LINE], ORIGINAL.split(b"\n")[PAIR_LINE]]
    dialog.scope.everything.setChecked(True)
    assert dialog.summary.text() == "dataset_train.jsonl: 4 examples"


def test_import_at_a_chosen_position(qtbot, dataset, stack):
    dialog = _dialog(qtbot, ImportDialog(dataset, stack, at=1))
    dialog.set_source("paste")
    dialog.pasted.setPlainText("User: Hi\nAssistant: Hello")
    dialog.update_preview()
    assert "added from example 2 on" in dialog.notes.text()
    dialog.import_button.click()
    assert dataset.value(1)["messages"][1]["content"] == "Hello"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL
