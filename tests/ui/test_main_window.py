"""The main window end to end: files, editing actions, undo, problems, navigation, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from window_helpers import (
    answer_next_dialog,
    click,
    close_window,
    drop_file,
    is_checked,
    make_window,
    open_and_check,
)

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from desktop_app.core.dataset.review import ReviewStatus, sidecar_path
from desktop_app.core.dataset.templates import find_template
from desktop_app.core.settings.preferences import Preferences
from desktop_app.qt.examples_model import Column

# the offscreen platform plugin says this for every top-level window with a toolbar; harmless
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_open_shows_rows_then_checks(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    assert window.examples_model.rowCount() == 21
    assert window.windowTitle() == "brand_voice.jsonl[*] — Finetune Studio"
    assert not window.isWindowModified()
    assert "3 errors" in window.counts_label.text()
    assert window.examples_pane.current_record() == 0  # the first example is shown at once
    assert window.editor.current_index() == 0
    assert window.ui_state.recent_files() == [sample_file.resolve()]
    assert window.problems_model.rowCount() >= 10


def test_edit_actions_undo_redo_and_modified_flag(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    pane = window.examples_pane
    pane.select_record(3)
    window.menus.act_duplicate.trigger()
    assert len(window.document.dataset) == 22
    assert window.document.dataset[4].raw == window.document.dataset[3].raw
    assert window.isWindowModified()
    window.menus.act_add.trigger()
    assert len(window.document.dataset) == 23
    pane.select_record(0)
    window.menus.act_delete.trigger()
    assert len(window.document.dataset) == 22
    assert window.menus.act_undo.text() == "&Undo Delete example"
    window.menus.act_undo.trigger()
    window.menus.act_undo.trigger()
    window.menus.act_undo.trigger()
    assert window.document.dataset.to_bytes() == sample_file.read_bytes()
    assert not window.isWindowModified()
    window.menus.act_redo.trigger()
    assert window.isWindowModified()
    window.menus.act_save.trigger()
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=10_000)
    assert len(sample_file.read_bytes().splitlines()) == 22


def test_imported_examples_are_shown_and_said(qtbot, window, sample_file: Path, tmp_path) -> None:
    """After an import the window said nothing and showed no example."""
    sheet = tmp_path / "support.csv"
    sheet.write_text("Question,Answer\nWhere is it?,On its way.\nCanada?,Yes.\n", "utf-8")
    open_and_check(qtbot, window, sample_file)
    window.examples_pane.select_record(3)
    answer_next_dialog(lambda d: (d.set_source("table", sheet), d.import_button.click()))
    window.menus.act_import.trigger()
    assert len(window.document.dataset) == 23
    assert window.examples_pane.current_record() == 4  # the first one brought in
    assert window.editor.current_index() == 4
    assert window.status_label.text() == (
        "Imported 2 examples, from example 5 on. Undo takes them out again."
    )


def test_review_status_tags_and_note(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    pane = window.examples_pane
    pane.select_record(2)
    window.menus.status_actions[ReviewStatus.APPROVED].trigger()  # approve and move on
    assert window.document.review.get(2).status is ReviewStatus.APPROVED
    assert pane.current_record() == 3
    pane.table.selectAll()
    qtbot.waitUntil(
        lambda: len(pane.selected_records()) == 21 and window.menus.act_add_tag.isEnabled()
    )
    answer_next_dialog(lambda d: (d.setTextValue("tone"), d.accept()))
    window.menus.act_add_tag.trigger()
    assert all(window.document.review.get(i).tags == ("tone",) for i in range(21))
    assert pane.tag_combo.findData("tone") > 0
    pane.select_record(5)
    answer_next_dialog(lambda d: (d.setTextValue("  Too formal  "), d.accept()))
    window.menus.act_note.trigger()
    assert window.document.review.get(5).note == "Too formal"
    pane.select_record(5)
    answer_next_dialog(lambda d: (d.setTextValue("tone"), d.accept()))
    window.menus.act_remove_tag.trigger()
    assert window.document.review.get(5).tags == ()
    window.menus.act_undo.trigger()
    assert window.document.review.get(5).tags == ("tone",)
    window.menus.act_save.trigger()
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=10_000)
    assert sidecar_path(sample_file).exists()
    assert b"Too formal" not in sample_file.read_bytes()


def test_problems_pane_selects_example_and_applies_fix(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    window.edits.step_problem(1)  # the first problem at or after the current example (line 1) …
    assert window.examples_pane.current_record() == 5  # … the name line 6's reply brings in
    for _ in range(2):  # line 10 states facts too (teaches_facts), then line 12
        window.edits.step_problem(1)
    assert window.examples_pane.current_record() == 11
    assert window.problems_pane.fix_button.isVisible()
    # an empty reply is written, not removed: removing it would leave "no assistant reply"
    assert window.problems_pane.fix_button.accessibleName() == "Write the reply"
    others = [a.text() for a in window.problems_pane.fix_menu.actions()]
    assert others == ["Remove the example"]
    errors_before = window.document.analysis.error_count
    window.problems_pane.fix_button.click()
    box = QApplication.focusWidget()
    assert box is not None and window.editor.isAncestorOf(box)  # the cursor is in the reply
    qtbot.keyClicks(box, "It ships on Monday.")
    qtbot.waitUntil(
        lambda: "empty_reply" not in window.document.analysis.problem_codes, timeout=5000
    )
    reply = window.document.dataset.value(11)["messages"][-1]
    assert reply == {"role": "assistant", "content": "It ships on Monday."}
    assert window.document.analysis.error_count == errors_before - 1  # nothing traded
    while window.document.undo_stack.canUndo():
        window.menus.act_undo.trigger()
    assert window.document.dataset[11].raw == sample_file.read_bytes().splitlines()[11]
    window.edits.step_problem(-1)
    assert window.problems_pane.table.currentIndex().isValid()


def test_keyboard_navigation(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    window.menus.act_go_examples.trigger()
    qtbot.keyClick(window.examples_pane.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.examples_pane.current_record() == 1
    window.menus.act_next.trigger()
    window.menus.act_next.trigger()
    assert window.editor.current_index() == 3
    window.menus.act_previous.trigger()
    assert window.editor.current_index() == 2
    window.menus.act_go_problems.trigger()
    assert window.side_tabs.currentWidget() is window.problems_pane
    window.menus.act_next_problem.trigger()
    assert window.problems_pane.table.currentIndex().isValid()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.menus.act_find.trigger()
    qtbot.waitUntil(window.examples_pane.search.hasFocus)


def test_a_filter_keeps_the_current_example_the_selection_and_the_columns(
    qtbot, window, sample_file: Path
) -> None:
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    open_and_check(qtbot, window, sample_file)
    pane = window.examples_pane
    header = pane.table.horizontalHeader()
    header.resizeSection(2, 91)
    proxy = pane.proxy
    selection = QItemSelection()
    for row in (2, 5, 14):  # lines 3, 6 and 15
        selection.select(proxy.index(row, 0), proxy.index(row, proxy.columnCount() - 1))
    pane.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    pane.select_record(13)  # line 14, current (and selected alone)
    pane.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)
    currents: list[object] = []
    pane.current_record_changed.connect(currents.append)

    pane.search.setText("order")  # in lines 2, 6, 12, 14, 17 and 20
    pane.apply_text_filter()
    shown = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
    assert shown == [1, 5, 11, 13, 16, 19]
    assert pane.current_record() == 13 and currents == []  # the editor is not disturbed
    assert pane.selected_records() == [5, 13]  # lines 3 and 15 are hidden now
    assert header.sectionSize(2) == 91  # the rows were reset, the columns were not

    pane.search.setText("zzz-not-anywhere")
    pane.apply_text_filter()
    assert proxy.rowCount() == 0 and currents == [None] and pane.selected_records() == []


def test_filters_from_the_pane(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    pane = window.examples_pane
    pane.search.setText("ripe peach")
    pane.apply_text_filter()
    assert pane.proxy.rowCount() == 1
    assert pane.count_label.text() == "Showing 1 of 21"
    pane.regex_button.setChecked(True)
    pane.search.setText("(")
    pane.apply_text_filter()
    assert "cannot be used" in pane.search.toolTip()
    window.menus.act_clear_filters.trigger()
    assert pane.proxy.rowCount() == 21
    window.menus.act_only_errors.trigger()
    assert pane.proxy.rowCount() == 3
    codes = [pane.problem_combo.itemData(i) for i in range(pane.problem_combo.count())]
    assert "code:duplicate_example" in codes
    window.menus.act_clear_filters.trigger()
    # selecting a filtered-out example clears the filters instead of failing
    pane.set_problem_filter("errors")
    assert pane.select_record(0)
    assert pane.proxy.rowCount() == 21


def test_close_with_unsaved_changes_asks(qtbot, sample_file: Path) -> None:
    window = make_window(qtbot)
    open_and_check(qtbot, window, sample_file)
    window.examples_pane.select_record(0)
    window.menus.act_delete.trigger()
    seen = answer_next_dialog(click(QMessageBox.StandardButton.Cancel))
    window.close()
    assert seen and "Save the changes" in seen[0]
    assert window.isVisible()
    answer_next_dialog(click(QMessageBox.StandardButton.Save))
    window.close()
    assert not window.isVisible()
    assert len(sample_file.read_bytes().splitlines()) == 20


def test_discard_keeps_the_file(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    original = sample_file.read_bytes()
    window.examples_pane.select_record(0)
    window.menus.act_delete.trigger()
    answer_next_dialog(click(QMessageBox.StandardButton.Discard))
    window.menus.act_close.trigger()
    assert sample_file.read_bytes() == original
    assert len(window.document.dataset) == 0 and window.document.path is None


def test_failing_save_shows_error_and_keeps_edits(
    qtbot, window, sample_file: Path, tmp_path: Path
) -> None:
    open_and_check(qtbot, window, sample_file)
    window.examples_pane.select_record(0)
    window.menus.act_delete.trigger()
    window.document.save(tmp_path / "missing-folder" / "x.jsonl")
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "error-box") is not None, timeout=10_000)
    box = window.findChild(QMessageBox, "error-box")
    assert "folder no longer exists" in box.text()
    assert "Your edits are kept" in box.informativeText()
    box.accept()
    assert window.isWindowModified() and len(window.document.dataset) == 20
    qtbot.waitUntil(window.document.recovery_file.exists, timeout=10_000)


def test_open_errors_are_plain(qtbot, window, tmp_path: Path) -> None:
    window.files.open_path(tmp_path / "missing.jsonl")
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "error-box") is not None, timeout=10_000)
    box = window.findChild(QMessageBox, "error-box")
    assert "could not be found" in box.text()
    box.accept()
    assert window.document.path is None and not window.document.loading


def test_half_broken_and_non_utf8_files_open_with_everything(qtbot, window, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}'
    path.write_bytes(good + b"\n\xff\xfe not utf-8\n{broken\n\n" + good)
    open_and_check(qtbot, window, path)
    assert window.examples_model.rowCount() == 5
    messages = [p.message for _, p in window.document.analysis.problems()]
    assert any("not valid UTF-8" in m for m in messages)
    assert any("not valid JSON" in m for m in messages)
    window.menus.act_save.trigger()
    qtbot.waitUntil(lambda: "Saved" in window.status_label.text(), timeout=10_000)
    assert path.read_bytes() == good + b"\n\xff\xfe not utf-8\n{broken\n\n" + good


def test_new_from_template_and_save_as(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    window.files.open_template(find_template("support_replies"))
    assert window.windowTitle().startswith("Untitled (support replies)")
    assert window.examples_model.rowCount() == 2
    target = tmp_path / "support"
    monkeypatch.setattr(
        "desktop_app.ui.window_files.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(target), ""),
    )  # the native file dialog cannot be driven offscreen; the window's own path is tested
    window.menus.act_save.trigger()
    qtbot.waitUntil(lambda: (tmp_path / "support.jsonl").exists(), timeout=10_000)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("support.jsonl"), timeout=5000)


def test_drop_a_file_opens_it(qtbot, window, sample_file: Path) -> None:
    drop_file(window, sample_file)
    qtbot.waitUntil(lambda: window.document.path == sample_file, timeout=5000)
    qtbot.waitUntil(lambda: is_checked(window), timeout=30_000)


def test_layout_and_recent_files_are_remembered(qtbot, sample_file: Path) -> None:
    first = make_window(qtbot)
    open_and_check(qtbot, first, sample_file)
    first.resize(first.width(), 577)  # the offscreen screen is only 800 × 800
    first.splitter.setSizes([500, 300, 300])
    header = first.examples_pane.table.horizontalHeader()
    header.resizeSection(4, 77)  # Problems: never folded away in a narrow pane
    close_window(first)
    second = make_window(qtbot)
    assert second.size().height() == 577
    assert second.examples_pane.table.horizontalHeader().sectionSize(4) == 77
    assert second.ui_state.load_bytes("splitter") is not None
    second.files.fill_recent_menu(second.menus.recent_menu)
    texts = [a.text() for a in second.menus.recent_menu.actions()]
    assert texts[0] == "&1 brand_voice.jsonl"
    close_window(second)


def test_theme_switch(qtbot, window) -> None:
    def lightness() -> int:
        return window.palette().color(window.backgroundRole()).lightness()

    window.menus.theme_actions["dark"].trigger()
    qtbot.waitUntil(lambda: lightness() < 100)  # widgets take the palette in a queued event
    window.menus.theme_actions["light"].trigger()
    qtbot.waitUntil(lambda: lightness() > 200)
    assert window.prefs.theme == "light"


def test_model_choice_rechecks(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    combo = window.overview_pane.model_combo
    combo.setCurrentIndex(combo.findData("gpt-4o-2024-08-06"))
    assert window.prefs.model == "gpt-4o-2024-08-06"
    qtbot.waitUntil(lambda: is_checked(window), timeout=30_000)
    assert window.document.analysis.model == "gpt-4o-2024-08-06"


def test_accessible_names_on_controls(window) -> None:
    for widget in (
        window.examples_pane.search,
        window.examples_pane.table,
        window.problems_pane.table,
        window.overview_pane.model_combo,
        window.cancel_button,
    ):
        assert widget.accessibleName()
    assert window.menus.act_next_problem.toolTip()


def test_sample_on_first_start_only(qtbot) -> None:
    from desktop_app.app import start_work

    window = make_window(qtbot, Preferences(sample_shown=False))
    window.services.persist_prefs = False
    start_work(window, None, offer_restore=False)
    assert window.examples_model.rowCount() == 21
    assert window.windowTitle().startswith("Sample")
    assert window.prefs.sample_shown
    close_window(window)


def test_input_dialog_cancel_changes_nothing(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    window.examples_pane.select_record(1)
    answer_next_dialog(lambda d: d.reject())
    window.menus.act_add_tag.trigger()
    assert window.document.review.get(1).tags == ()
    assert isinstance(QInputDialog, type)
    assert Column.PREVIEW == 0


def test_a_big_file_is_filtered_in_the_background(qtbot, window, tmp_path: Path) -> None:
    """The search of a big file runs off the window's thread: "Searching…" shows meanwhile, the
    rows of the previous filter stay, and the rows found replace them, current example kept."""
    texts = ["A Refund please" if n % 3 == 0 else "Where is my order" for n in range(4000)]
    lines = [
        f'{{"messages": [{{"role": "user", "content": "{text} number {n}"}}]}}'
        for n, text in enumerate(texts)
    ]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    window.files.open_path(path)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)
    window.document.search.at_once_bytes = 1024  # big, for this test
    pane = window.examples_pane
    proxy = pane.proxy
    pane.select_record(3)
    labels: list[str] = []
    proxy.searching_changed.connect(lambda _on: labels.append(pane.count_label.text()))
    with qtbot.waitSignal(proxy.filter_changed, timeout=20_000):
        pane.search.setText("REFUND")
        pane.apply_text_filter()
        assert proxy.searching and proxy.rowCount() == 4000  # still the old rows
    assert labels[0] == "Searching 4,000 examples…"
    assert not proxy.searching
    shown = [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]
    assert shown == list(range(0, 4000, 3))
    assert pane.count_label.text() == "Showing 1,334 of 4,000"
    assert pane.current_record() == 3


def test_spell_check_choice_survives_a_restart(qtbot) -> None:
    from desktop_app.core.settings.preferences import load_preferences

    first = make_window(qtbot, Preferences(sample_shown=True))
    first.services.persist_prefs = True  # the real settings file (the test's config folder)
    words = first.words
    assert words.check_action.isChecked() and words.service.enabled
    words.check_action.trigger()  # Edit ▸ Spelling ▸ Check Spelling, off
    assert not words.service.enabled
    assert load_preferences().spell_check is False
    close_window(first)

    second = make_window(qtbot, load_preferences())
    second.services.persist_prefs = True
    assert not second.words.check_action.isChecked()
    assert not second.words.service.enabled
    second.words.check_action.trigger()
    assert second.words.service.enabled and load_preferences().spell_check
    close_window(second)


def test_find_and_replace_has_keys_where_the_platform_gives_none(qtbot, monkeypatch) -> None:
    """Qt's generic Linux theme binds nothing to Replace: the menu showed no keys for it."""
    from PySide6.QtGui import QKeySequence

    from desktop_app.ui import window_menus

    class NoReplace(QKeySequence):
        def __init__(self, *args) -> None:
            if args and args[0] == QKeySequence.StandardKey.Replace:
                super().__init__()
            else:
                super().__init__(*args)

    platform = window_menus.replace_keys()
    assert not platform.isEmpty()
    monkeypatch.setattr(window_menus, "QKeySequence", NoReplace)
    assert window_menus.replace_keys().toString() == "Ctrl+H"
