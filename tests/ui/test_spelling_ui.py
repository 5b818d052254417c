"""Spell checking in the example editor and the window: underlines, suggestions as one undo
step, Add to dictionary, the language per dataset, Undo/Redo in the right-click menu."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextCharFormat, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QPlainTextEdit, QTextEdit

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.review import ReviewStore
from desktop_app.core.dataset.spelling import PersonalDictionary
from desktop_app.core.files.folders import config_dir
from desktop_app.qt.spelling import SpellContext, SpellService
from desktop_app.qt.tasks import TaskRunner
from desktop_app.ui.editor.example_editor import ExampleEditor
from desktop_app.ui.spell_menu import SpellMenu, attach_spelling, spell_menu_of
from desktop_app.ui.window_words import EditorSpelling

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

LINE = {
    "messages": [
        {"role": "user", "content": "Wich Brewlab coffee is best?"},
        {"role": "assistant", "content": "Our Brewlab house blend tastes grate. Farbe"},
    ]
}


@pytest.fixture
def pools(qapp) -> Iterator[TaskRunner]:
    owned = TaskRunner()
    yield owned
    assert owned.shutdown(20_000)


@pytest.fixture
def setup(qtbot, pools):
    dataset = Dataset.from_bytes(json.dumps(LINE).encode() + b"\n")
    stack = QUndoStack()
    review = ReviewStore(dataset)
    service = SpellService(pools, PersonalDictionary(config_dir() / PersonalDictionary.FILE_NAME))
    context = SpellContext(service, review, stack)
    editor = ExampleEditor()
    qtbot.addWidget(editor)
    editor.set_context(dataset, stack, lambda: None)
    spelling = EditorSpelling(editor, context)
    editor.resize(800, 600)
    editor.show()
    editor.show_record(0)
    qtbot.waitUntil(lambda: context.check() is not None, timeout=10_000)
    return editor, context, stack, dataset, review, spelling


def box(editor: ExampleEditor, message: int) -> QTextEdit:
    return editor.bubbles()[message].editors[0]


def underlined(edit: QTextEdit | QPlainTextEdit) -> list[str]:
    out = []
    block = edit.document().begin()
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                out.append(block.text()[fmt.start : fmt.start + fmt.length])
        block = block.next()
    return out


def menu_at(edit: QTextEdit, word: str) -> QMenu:
    text = edit.toPlainText()
    cursor = edit.textCursor()
    cursor.setPosition(text.index(word) + 1)
    pos = edit.cursorRect(cursor).center()
    menu = spell_menu_of(edit)
    assert isinstance(menu, SpellMenu)
    return menu.build_menu(pos)


def action(menu: QMenu, text: str) -> QAction:
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    return found[0]


def test_misspelled_words_are_underlined_and_brand_words_are_not(qtbot, setup) -> None:
    editor, context, *_ = setup
    qtbot.waitUntil(lambda: underlined(box(editor, 0)) == ["Wich", "Brewlab"])
    context.add_to_dataset("Brewlab")
    qtbot.waitUntil(lambda: underlined(box(editor, 0)) == ["Wich"])
    assert "Brewlab" not in underlined(box(editor, 1))


def test_suggestion_replaces_the_word_as_one_undo_step(qtbot, setup) -> None:
    editor, _context, stack, dataset, *_ = setup
    edit = box(editor, 0)
    edit.setFocus()
    cursor = edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    edit.setTextCursor(cursor)
    qtbot.keyClicks(edit, " Thx")
    typed = dataset.value(0)["messages"][0]["content"]
    assert typed == "Wich Brewlab coffee is best? Thx"
    steps = stack.count()
    action(menu_at(box(editor, 0), "Wich"), "Which").trigger()
    assert dataset.value(0)["messages"][0]["content"] == "Which Brewlab coffee is best? Thx"
    assert stack.count() == steps + 1
    assert "Wich" in stack.undoText()
    stack.undo()
    assert dataset.value(0)["messages"][0]["content"] == typed  # the typing stays
    stack.undo()
    assert dataset.value(0)["messages"][0]["content"] == LINE["messages"][0]["content"]


def test_undo_and_redo_in_the_menu_work_after_typing(qtbot, setup) -> None:
    editor, _context, _stack, dataset, *_ = setup
    edit = box(editor, 1)
    edit.setFocus()
    qtbot.keyClicks(edit, "!")
    menu = menu_at(box(editor, 1), "Farbe")
    undo = next(a for a in menu.actions() if a.objectName() == "app-undo")
    assert undo.isEnabled()
    assert {"Cu&t", "&Copy", "&Paste"} <= {a.text().split("\t")[0] for a in menu.actions()}
    undo.trigger()
    assert dataset.value(0) == LINE
    redo = next(
        a for a in menu_at(box(editor, 1), "Farbe").actions() if a.objectName() == "app-redo"
    )
    assert redo.isEnabled()
    redo.trigger()
    assert dataset.value(0)["messages"][1]["content"] == "!" + LINE["messages"][1]["content"]


def test_add_to_my_dictionary_persists_in_the_config_folder(qtbot, setup) -> None:
    editor, context, *_ = setup
    action(menu_at(box(editor, 0), "Brewlab"), "Add “Brewlab” to My Dictionary").trigger()
    qtbot.waitUntil(lambda: underlined(box(editor, 0)) == ["Wich"])
    path = config_dir() / PersonalDictionary.FILE_NAME
    assert path.read_text(encoding="utf-8") == "Brewlab\n"
    assert "brewlab" in PersonalDictionary(path)
    assert not context.spelling.words  # the dataset's own list is untouched


def test_add_to_dataset_words_goes_to_the_sidecar_data(qtbot, setup) -> None:
    editor, _context, stack, _dataset, review, _ = setup
    action(menu_at(box(editor, 1), "Brewlab"), "Add “Brewlab” to This Dataset’s Words").trigger()
    assert review.to_json()["spelling"] == {"words": ["Brewlab"]}
    assert "Brewlab" in stack.undoText()
    assert not (config_dir() / PersonalDictionary.FILE_NAME).exists()


def test_language_switch_changes_the_verdict(qtbot, setup) -> None:
    editor, context, *_ = setup
    qtbot.waitUntil(lambda: "Farbe" in underlined(box(editor, 1)))
    menu = menu_at(box(editor, 1), "Farbe")
    spelling = next(a.menu() for a in menu.actions() if a.menu() is not None)
    action(spelling, "German (Deutsch)").trigger()
    qtbot.waitUntil(
        lambda: context.language == "de" and context.check() is not None, timeout=10_000
    )
    qtbot.waitUntil(lambda: "Farbe" not in underlined(box(editor, 1)))
    # the sentence itself is English: it is still judged in English (not underlined word for
    # word), with German's words right too (tests/core/test_spelling.py has the rules)
    assert underlined(box(editor, 1)) == ["Brewlab"]


def test_a_plain_text_box_keeps_its_own_undo(qtbot, setup) -> None:
    _editor, context, *_ = setup
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    edit.setPlainText("A notte")
    attach_spelling(edit, context)
    qtbot.waitUntil(lambda: underlined(edit) == ["notte"])
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, "!")
    menu = spell_menu_of(edit)
    assert menu is not None
    cursor = edit.textCursor()
    cursor.setPosition(4)
    built = menu.build_menu(edit.cursorRect(cursor).center())
    undo = next(a for a in built.actions() if a.objectName() == "edit-undo")
    assert undo.isEnabled()
    suggestion = next(a for a in built.actions() if a.font().bold())
    suggestion.trigger()
    assert edit.toPlainText() != "A notte!" and edit.toPlainText().endswith("!")
    edit.undo()
    assert edit.toPlainText() == "A notte!"  # the correction was one step of its own


def test_spell_check_off_removes_the_underlines(qtbot, setup) -> None:
    editor, context, *_ = setup
    qtbot.waitUntil(lambda: underlined(box(editor, 0)) == ["Wich", "Brewlab"])
    context.service.set_enabled(False)
    assert underlined(box(editor, 0)) == []
    menu = menu_at(box(editor, 0), "Wich")
    assert not any(a.font().bold() for a in menu.actions())  # no suggestions either
    context.service.set_enabled(True)
    assert underlined(box(editor, 0)) == ["Wich", "Brewlab"]


def test_preference_pair_replies_are_spell_checked(qtbot, pools) -> None:
    pair = {
        "input": {"messages": [{"role": "user", "content": "Descrbe our blend"}]},
        "preferred_output": [{"role": "assistant", "content": "A smooth, nutty blnd."}],
        "non_preferred_output": [{"role": "assistant", "content": "It is coffe."}],
    }
    dataset = Dataset.from_bytes(json.dumps(pair).encode() + b"\n")
    stack = QUndoStack()
    service = SpellService(pools, PersonalDictionary(config_dir() / "mine.txt"))
    context = SpellContext(service, ReviewStore(dataset), stack)
    editor = ExampleEditor()
    qtbot.addWidget(editor)
    editor.set_context(dataset, stack, lambda: None)
    EditorSpelling(editor, context)
    editor.show_record(0)
    qtbot.waitUntil(lambda: context.check() is not None, timeout=10_000)
    boxes = [b.editors[0] for b in editor.bubbles()]
    qtbot.waitUntil(lambda: [underlined(b) for b in boxes] == [["Descrbe"], ["blnd"], ["coffe"]])


def test_a_failing_add_to_dictionary_is_explained(qtbot, setup, tmp_path) -> None:
    editor, context, *_ = setup
    blocker = tmp_path / "blocked"
    blocker.write_text("x", encoding="utf-8")
    context.service.personal = PersonalDictionary(blocker / "dictionary.txt")
    action(menu_at(box(editor, 0), "Brewlab"), "Add “Brewlab” to My Dictionary").trigger()
    error = editor.window().findChild(QMessageBox, "error-box")
    assert error is not None and "could not be added to your dictionary" in error.text()
    assert "Brewlab" in underlined(box(editor, 0))  # still underlined
    error.close()


REALWORLD = Path(__file__).resolve().parents[1] / "data" / "realworld"


def test_the_language_is_guessed_from_the_words_and_again_after_a_repair(
    qtbot, window, tmp_path: Path
) -> None:
    """A Spanish file, pretty-printed, repaired: Spanish; nothing is saved or added to Undo for a
    guess, and the writer's choice wins over it."""
    path = tmp_path / "training_data.jsonl"
    shutil.copy(REALWORLD / "Danielcreux_Entrenamiento-IA__training_data.jsonl", path)
    window.files.open_path(path)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)
    context = window.words.context
    banner = window.repair.banner
    qtbot.waitUntil(lambda: banner.repair_button.isVisible(), timeout=20_000)
    qtbot.mouseClick(banner.repair_button, Qt.MouseButton.LeftButton)
    window.examples_pane.select_record(0)
    qtbot.waitUntil(lambda: context.guessed == "es", timeout=20_000)
    qtbot.waitUntil(lambda: context.check() is not None, timeout=20_000)
    assert window.words.language_actions["es"].isChecked()
    spanish = "Lo importante es empezar con baja intensidad y buena técnica"
    assert context.misspelled(spanish) == []
    assert window.document.review.spelling.language is None  # a guess is not kept
    assert window.document.undo_stack.count() == 1  # the repair only

    window.words.language_actions["en"].trigger()  # the writer's choice wins
    assert context.language == "en" and window.document.review.spelling.language == "en"
    qtbot.waitUntil(lambda: context.check() is not None, timeout=20_000)
    assert [s.word for s in context.misspelled(spanish)][:3] == ["importante", "empezar", "baja"]
