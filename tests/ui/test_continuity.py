"""Continuity: the app starts where the writer left off, and the window keeps its footing (tabs,
filter, selection, title, counts) as the writer works."""

from __future__ import annotations

from pathlib import Path

from window_helpers import close_window, is_checked, make_window, open_and_check

from PySide6.QtCore import Qt

from desktop_app.core.dataset.templates import find_template
from desktop_app.core.settings.preferences import Preferences
from desktop_app.ui import window_files


def test_the_last_file_reopens_with_its_selection_and_the_welcome(qtbot, sample_file: Path) -> None:
    from desktop_app.app import start_work

    first = make_window(qtbot)
    open_and_check(qtbot, first, sample_file)
    first.examples_pane.select_record(6)
    close_window(first)

    second = make_window(qtbot)
    start_work(second, None, offer_restore=False)
    qtbot.waitUntil(lambda: second.document.path == sample_file, timeout=10_000)
    qtbot.waitUntil(lambda: second.examples_pane.current_record() == 6, timeout=10_000)
    assert second.editor.current_index() == 6
    welcome = second.extras.welcome
    assert welcome.isVisible()  # "Show this screen when Finetune Studio starts" is ticked
    welcome.screen_widget.show_at_start.setChecked(False)
    assert not second.prefs.show_welcome
    welcome.close()
    close_window(second)

    third = make_window(qtbot, Preferences(sample_shown=True, show_welcome=False))
    start_work(third, None, offer_restore=False)
    qtbot.waitUntil(lambda: third.document.path == sample_file, timeout=10_000)
    assert getattr(third.extras, "welcome", None) is None
    close_window(third)


def test_raw_json_is_chosen_only_for_lines_that_cannot_be_read(
    qtbot, window, tmp_path: Path
) -> None:
    good = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}'
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(good + b"\n{broken\n" + good + b"\n")
    open_and_check(qtbot, window, path)
    tabs = window.editor.tabs
    window.examples_pane.select_record(1)
    assert tabs.currentIndex() == window.editor.RAW_TAB
    window.examples_pane.select_record(2)
    assert tabs.currentIndex() == window.editor.CONVERSATION_TAB
    # the writer's own choice of Raw JSON is kept from example to example
    tabs.tabBarClicked.emit(window.editor.RAW_TAB)
    tabs.setCurrentIndex(window.editor.RAW_TAB)
    window.examples_pane.select_record(0)
    assert tabs.currentIndex() == window.editor.RAW_TAB


def test_esc_clears_the_filter_and_filtering_keeps_the_selection(
    qtbot, window, sample_file: Path
) -> None:
    open_and_check(qtbot, window, sample_file)
    pane = window.examples_pane
    pane.select_record(2)  # "Subscription price adjustment"
    pane.focus_filter()
    qtbot.keyClicks(pane.search, "subscription")
    pane.apply_text_filter()
    qtbot.waitUntil(lambda: 0 < pane.proxy.rowCount() < 21, timeout=10_000)
    assert pane.current_record() == 2  # still shown, still selected
    qtbot.keyClick(pane.search, Qt.Key.Key_Escape)
    assert pane.search.text() == ""
    qtbot.waitUntil(lambda: pane.proxy.rowCount() == 21, timeout=10_000)
    assert pane.current_record() == 2


def test_undoing_a_delete_selects_what_came_back(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    pane = window.examples_pane
    pane.select_record(4)
    window.menus.act_delete.trigger()
    assert len(window.document.dataset) == 20
    pane.select_record(10)
    window.menus.act_undo.trigger()
    assert len(window.document.dataset) == 21
    assert pane.current_record() == 4
    assert pane.selected_records() == [4]


def test_the_title_and_the_counts_follow_the_content(qtbot, window) -> None:
    window.files.open_template(find_template("empty"))
    assert window.windowTitle().startswith("Untitled (empty dataset)")
    window.menus.act_add.trigger()
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Untitled dataset"), timeout=5000)


def test_a_blank_dataset_is_checked_once_examples_arrive(qtbot, window) -> None:
    """The table, the status bar and the overview count the same examples."""
    assert not window.document.analysis.enabled
    window.menus.act_add.trigger()
    window.menus.act_add.trigger()
    qtbot.waitUntil(lambda: is_checked(window) or window.document.analysis.enabled, timeout=5000)
    qtbot.waitUntil(lambda: window.document.analysis.checked_count == 2, timeout=10_000)
    window.side_tabs.setCurrentWidget(window.overview_pane)
    overview = window.overview_pane
    qtbot.waitUntil(lambda: overview.labels["examples"].text() == "2", timeout=10_000)
    window.status.update_counts()
    assert window.counts_label.text().startswith("2 examples")
    assert "error" in window.counts_label.text()  # checked, so counted
    errors = window.problems_model.counts().errors
    assert f"{errors:,} error" in overview.labels["problems"].text()
    assert window.examples_model.rowCount() == 2


def test_save_dialogs_start_in_the_documents_folder(qtbot, window, monkeypatch) -> None:
    seen: list[str] = []

    def fake_dialog(_parent, _title, start, _filter):
        seen.append(start)
        return "", ""

    monkeypatch.setattr(window_files.QFileDialog, "getSaveFileName", fake_dialog)
    window.files.open_sample()
    window.files.save_as()
    documents = window_files.documents_folder()
    assert Path(seen[0]).parent == documents
    assert Path(seen[0]).name == "Larkspur brand voice.jsonl"
    assert documents != Path.cwd()


def test_the_overview_tab_icon_follows_the_problems(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    window.status.update_counts()
    index = window.side_tabs.indexOf(window.overview_pane)
    assert "errors to fix" in window.side_tabs.tabToolTip(index)
    assert not window.side_tabs.tabIcon(index).isNull()


def test_an_empty_window_is_not_called_ready(qtbot, window) -> None:
    from desktop_app.core.dataset.templates import find_template

    window.files.open_template(find_template("empty"))
    window.status.update_counts()
    tabs, problems = window.side_tabs, window.side_tabs.indexOf(window.problems_pane)
    qtbot.waitUntil(lambda: "Nothing to check yet" in window.problems_pane.summary.text())
    assert tabs.tabIcon(problems).isNull() and tabs.tabToolTip(problems) == "Nothing to check yet"
    notice = window.editor.conversation.notice
    assert notice.isVisibleTo(window) and "Click Add Example" in notice.text.text()
    window.edits.add_example()  # one example: checked, and marked again
    qtbot.waitUntil(lambda: not tabs.tabIcon(problems).isNull())
    assert "Nothing to check yet" not in window.problems_pane.summary.text()


def test_a_file_being_checked_is_not_called_ready(qtbot, window, tmp_path: Path) -> None:
    import json

    line = {
        "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    }
    path = tmp_path / "many.jsonl"
    path.write_text((json.dumps(line) + "\n") * 20_000, encoding="utf-8")
    tabs, problems = window.side_tabs, window.side_tabs.indexOf(window.problems_pane)
    window.files.open_path(path)
    qtbot.waitUntil(lambda: tabs.tabToolTip(problems) == "Checking…", timeout=20_000)
    assert tabs.tabIcon(problems).isNull()  # no green tick before the checks are done
    qtbot.waitUntil(lambda: not window.document.analysis.checking, timeout=60_000)
    qtbot.waitUntil(lambda: not tabs.tabIcon(problems).isNull(), timeout=10_000)
    assert "Checking" not in tabs.tabToolTip(problems)
