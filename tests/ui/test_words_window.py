"""The window's words: Help ▸ Glossary and User Guide, glossary links that lead somewhere, the
spelling menu, spell checking in dialogs (the review note), "example N" wording."""

from __future__ import annotations

import ast
from pathlib import Path

from window_helpers import answer_next_dialog, open_and_check

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QPlainTextEdit, QWidget

from desktop_app.core.files.glossary import LINK_PREFIX, load_glossary, parse_glossary
from desktop_app.ui.dialogs.help_pages import (
    IMAGE_WIDTH,
    GlossaryDialog,
    UserGuideDialog,
    _fragments,
    open_glossary_link,
)
from desktop_app.ui.spell_menu import spell_menu_of

ROOT = Path(__file__).resolve().parents[2]


def menu_titled(window, title: str) -> QMenu:
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def action_titled(menu: QMenu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def shown(kind: type) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _blocks(document):
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def test_help_menu_opens_the_glossary_and_the_user_guide(qtbot, window) -> None:
    help_menu = menu_titled(window, "&Help")
    action_titled(help_menu, "&Glossary").trigger()
    [glossary] = shown(GlossaryDialog)
    assert glossary.list.count() == len(load_glossary()) >= 10
    assert "Tokens" in [glossary.list.item(i).text() for i in range(glossary.list.count())]
    assert glossary.text.toPlainText().strip()
    assert open_glossary_link(f"{LINK_PREFIX}epochs")
    assert glossary.current_key == "epochs" and "Epochs" in glossary.text.toPlainText()
    glossary.close()
    action_titled(help_menu, "&User Guide").trigger()
    [guide] = shown(UserGuideDialog)
    assert "short guide for writers" in guide.text.toPlainText()
    assert "Spell check" in guide.text.toPlainText() and "Glossary" in guide.text.toPlainText()
    images = [
        fragment.charFormat().toImageFormat().width()
        for block in _blocks(guide.text.document())
        for fragment in _fragments(block)
        if fragment.charFormat().isImageFormat()
    ]
    assert images and all(0 < width <= IMAGE_WIDTH for width in images)  # no sideways scrolling
    assert not shown(GlossaryDialog)
    guide.text.anchorClicked.emit(QUrl("glossary.md"))  # the guide's link to the glossary
    [glossary] = shown(GlossaryDialog)
    glossary.close()
    guide.text.anchorClicked.emit(QUrl("no-such-page.md"))
    assert guide.page == "user-guide.md"
    guide.close()


def _linked_keys() -> set[tuple[str, str]]:
    """Every glossary key the app's code links to: link(key, …), explain(widget, text, key),
    and literal "glossary:key" strings."""
    found: set[tuple[str, str]] = set()
    for path in (ROOT / "desktop_app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = node.args
                if node.func.id == "link" and args and isinstance(args[0], ast.Constant):
                    found.add((path.name, args[0].value))
                if node.func.id == "explain" and len(args) == 3:
                    assert isinstance(args[2], ast.Constant), f"{path.name}: key not literal"
                    found.add((path.name, args[2].value))
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.startswith(LINK_PREFIX) and len(text) > len(LINK_PREFIX):
                    found.add((path.name, text[len(LINK_PREFIX) :]))
    return found


def test_every_glossary_link_target_exists(window) -> None:
    keys = {term.key for term in load_glossary()}
    linked = _linked_keys()
    assert {"tokens", "epochs", "checkpoint", "example"} <= {key for _file, key in linked}
    missing = {(file, key) for file, key in linked if key not in keys}
    assert not missing, f"glossary entries missing for {missing}"
    # and what the window shows: What's This texts and link labels
    for widget in window.findChildren(QWidget):
        texts = [widget.whatsThis()] + ([widget.text()] if isinstance(widget, QLabel) else [])
        for text in texts:
            for part in (
                text.split(f"href='{LINK_PREFIX}")[1:] + text.split(f'href="{LINK_PREFIX}')[1:]
            ):
                assert part.split("'")[0].split('"')[0] in keys, text


def test_glossary_covers_the_words_of_the_issue() -> None:
    keys = {term.key for term in load_glossary()}
    assert {
        "tokens",
        "epochs",
        "validation",
        "checkpoint",
        "lora",
        "jsonl",
        "tool-call",
        "batch-size",
        "learning-rate-multiplier",
        "seed",
        "endpoint",
    } <= keys
    assert parse_glossary("## One\nfirst\n## Two words\nsecond")[1].key == "two-words"


def test_spelling_menu_switches_the_datasets_language(window) -> None:
    spelling = next(
        a.menu() for a in menu_titled(window, "&Edit").actions() if a.text() == "S&pelling"
    )
    assert window.words.language_actions["en"].isChecked()
    action_titled(spelling, "German (Deutsch)").trigger()
    assert window.document.review.spelling.language == "de"
    assert window.words.language_actions["de"].isChecked()
    window.document.undo_stack.undo()
    assert window.words.language_actions["en"].isChecked()


def spell_checked_in_next_dialog(qtbot, open_dialog) -> bool:
    """Open a modal dialog; True when its text box got spell checking once shown."""
    found: list[bool] = []

    def act(dialog: QWidget) -> None:
        box = dialog.findChild(QPlainTextEdit)
        try:
            qtbot.waitUntil(lambda: box is not None and spell_menu_of(box) is not None)
            found.append(True)
        finally:
            dialog.reject()

    answer_next_dialog(act)
    open_dialog()
    return found == [True]


def test_the_review_note_is_spell_checked(qtbot, window, sample_file) -> None:
    open_and_check(qtbot, window, sample_file)
    window.examples_pane.select_record(0)
    assert spell_checked_in_next_dialog(qtbot, window.edits.edit_note)


def test_problems_say_example_not_line(qtbot, window, sample_file) -> None:
    open_and_check(qtbot, window, sample_file)
    model = window.problems_model
    assert model.headerData(1, window.problems_pane.table.horizontalHeader().orientation()) == (
        "Example"
    )
    assert "example" in window.counts_label.text()
    assert window.editor.header.text().startswith("Example ") or not window.editor.header.text()


def test_the_system_prompt_dialog_is_spell_checked(qtbot, window, sample_file) -> None:
    open_and_check(qtbot, window, sample_file)
    assert spell_checked_in_next_dialog(qtbot, window.edits.set_system_prompt)


def test_a_long_example_is_still_built_a_few_bubbles_at_a_time(qtbot, window, tmp_path) -> None:
    """Spell checking asked the editor for every bubble as soon as the first two were built,
    which built all of them at once: 60 messages held the window ~0.4 s."""
    import json

    from desktop_app.ui.editor.message_list import NEW_RECORD_CHUNK

    messages = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"Mesage number {i}."}
        for i in range(60)
    ]
    path = tmp_path / "long.jsonl"
    short = {"messages": messages[:2]}
    path.write_text(json.dumps(short) + "\n" + json.dumps({"messages": messages}) + "\n")
    open_and_check(qtbot, window, path)
    qtbot.waitUntil(lambda: window.words.context is not None)
    window.examples_pane.select_record(1)
    built = window.editor.conversation.bubbles
    assert len(built) == NEW_RECORD_CHUNK  # the rest follow between events
    assert all(spell_menu_of(box) is not None for b in built for box in b.editors)
    qtbot.waitUntil(lambda: len(window.editor.conversation.bubbles) == 60, timeout=10_000)
    bubbles = window.editor.conversation.bubbles
    assert all(spell_menu_of(box) is not None for b in bubbles for box in b.editors)
