"""A steady screen: buttons keep their places, panes never resize the window, long words wrap,
the Example column keeps room, and a theme switch repaints what was already built."""

from __future__ import annotations

from pathlib import Path

from window_helpers import close_window, make_window, open_and_check

from PySide6.QtWidgets import QApplication

from desktop_app.qt.commands import SetValueCommand
from desktop_app.ui import theme
from desktop_app.ui.panes.examples_pane import MIN_PREVIEW_CHARS

LONG_URL = "https://example.com/" + "a-very-long-path-without-any-space-" * 8


def test_toolbar_buttons_keep_their_places_and_undo_says_what_in_its_tip(
    qtbot, window, sample_file: Path
) -> None:
    open_and_check(qtbot, window, sample_file)
    add_button = window.toolbar.widgetForAction(window.menus.act_add)
    before = add_button.geometry()
    value = window.document.dataset.value(12)
    value["messages"][2]["role"] = "assistant"
    window.document.undo_stack.push(
        SetValueCommand(window.document.dataset, 12, value, "Change it to “assistant”")
    )
    undo = next(a for a in window.toolbar.actions() if a.objectName() == "toolbar-undo")
    assert undo.text() == "Undo"
    assert undo.toolTip() == "Undo Change it to “assistant”"
    assert add_button.geometry() == before
    undo.trigger()
    assert window.document.dataset.value(12)["messages"][2]["role"] == "assistnat"
    assert not undo.isEnabled()


def test_train_is_on_the_toolbar(qtbot, window) -> None:
    button = window.toolbar.widgetForAction(window.extras.act_train)
    assert button is not None and window.extras.act_train.text() == "Train…"


def test_showing_and_closing_the_jobs_pane_never_resizes_the_window(qtbot, window) -> None:
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    dock = window.extras.training.menu.dock
    dock.show()
    QApplication.processEvents()
    dock.close()
    QApplication.processEvents()
    assert window.width() == 1024


def test_the_example_column_keeps_twenty_characters(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    window.resize(1024, 700)
    window.splitter.setSizes([10, 2000, 2000])  # squeezed as far as the splitter allows
    pane = window.examples_pane
    header = pane.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(0) >= pane.preview_room() - 16, timeout=3000)
    metrics = pane.table.fontMetrics()
    assert header.sectionSize(0) >= metrics.horizontalAdvance("x" * MIN_PREVIEW_CHARS)
    window.resize(1600, 1000)
    window.splitter.setSizes([900, 400, 300])
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in range(7)), timeout=3000)


def test_a_file_opened_before_the_window_shows_keeps_every_column(qtbot, sample_file: Path) -> None:
    """A file given on the command line opens before the window shows: the columns were fitted
    to the table's first, tiny width and four stayed folded on a wide window."""
    window = make_window(qtbot, show=False)  # (sized as on a big screen, not shown yet)
    window.files.open_path(sample_file)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)
    header = window.examples_pane.table.horizontalHeader()
    assert any(header.isSectionHidden(c) for c in range(header.count()))  # folded while tiny
    window.show()
    qtbot.waitExposed(window)
    try:
        qtbot.waitUntil(
            lambda: not any(header.isSectionHidden(c) for c in range(header.count())),
            timeout=3000,
        )
    finally:
        close_window(window)


def test_long_words_and_addresses_wrap_inside_the_bubble(qtbot, window) -> None:
    window.menus.act_add.trigger()
    record = window.examples_pane.current_record()
    value = window.document.dataset.value(record)
    value["messages"][-1]["content"] = LONG_URL
    window.document.undo_stack.push(SetValueCommand(window.document.dataset, record, value, "x"))
    window.resize(1024, 700)
    bubble = window.editor.bubbles()[-1]
    box = bubble.editors[0]
    qtbot.waitUntil(lambda: box.toPlainText() == LONG_URL, timeout=3000)
    # wrapped over several lines, inside the box
    qtbot.waitUntil(lambda: box.height() > box.fontMetrics().lineSpacing() * 2, timeout=3000)
    assert box.document().idealWidth() <= box.viewport().width() + 1


def test_a_theme_switch_repaints_built_bubbles(qtbot, window, sample_file: Path) -> None:
    open_and_check(qtbot, window, sample_file)
    window.examples_pane.select_record(2)
    bubble = window.editor.bubbles()[2]
    window.set_theme("dark")
    try:
        assert bubble.colors.background == theme.role_colors("assistant").background
        text = bubble.editors[0].palette().color(bubble.editors[0].foregroundRole())
        assert text.lightness() > 180  # light text on the dark bubble
        image = bubble.grab().toImage()
        assert image.pixelColor(bubble.width() // 2, bubble.height() - 4).lightness() < 90
    finally:
        window.set_theme("light")
    image = bubble.grab().toImage()
    assert image.pixelColor(bubble.width() // 2, bubble.height() - 4).lightness() > 180


def test_a_long_status_message_ends_in_an_ellipsis_and_keeps_the_whole_in_its_tip(
    qtbot, window
) -> None:
    from PySide6.QtWidgets import QLabel

    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    label = window.status_label
    message = "Prompt and reply (prompt → completion), 33 examples — done. " * 4
    label.setText(message)
    qtbot.waitUntil(lambda: QLabel.text(label).endswith("…"))
    assert label.text() == message and label.toolTip() == message
    shown = QLabel.text(label)
    assert label.fontMetrics().horizontalAdvance(shown) <= label.width()
    label.setText("Saved.")
    assert QLabel.text(label) == "Saved."
