"""The example editor with real widgets: bubbles, typing, undo, roles, weights, tools, DPO, raw."""

from __future__ import annotations

import json

import pytest
from editor_samples import (
    BLANK_LINE,
    BROKEN_LINE,
    CHAT_LINE,
    IMAGE_LINE,
    LEGACY_LINE,
    ORIGINAL,
    PAIR_LINE,
    TOOLS_LINE,
)
from window_helpers import turn_wheel

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.tokens.counts import TokenCounter
from desktop_app.ui.editor.example_editor import ExampleEditor

# The offscreen platform cannot pass a window's size limits on (it says so for top-level widgets).
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def dataset() -> Dataset:
    return Dataset.from_bytes(ORIGINAL)


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


@pytest.fixture(scope="session")
def counter() -> TokenCounter:
    counter = TokenCounter("gpt-4o-mini")
    counter.count_text("load the encoding once")
    return counter


@pytest.fixture
def editor(qtbot, dataset, stack, counter):
    widget = ExampleEditor()
    qtbot.addWidget(widget)
    widget.set_context(dataset, stack, lambda: counter)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def texts(editor: ExampleEditor) -> list[str]:
    return [b.editors[0].toPlainText() if b.editors else "" for b in editor.bubbles()]


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    cursor = widget.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    widget.setTextCursor(cursor)
    qtbot.keyClicks(widget, text)


def test_chat_example_shows_one_bubble_per_message(editor):
    editor.show_record(CHAT_LINE)
    bubbles = editor.bubbles()
    assert [b.role for b in bubbles] == ["system", "user", "assistant"]
    assert texts(editor) == ["Be kind.", "Rewrite: buy now!", "Take a look when you're ready."]
    assert [b.role_combo.currentData() for b in bubbles] == ["system", "user", "assistant"]
    assert bubbles[2].train is not None and bubbles[2].train.isChecked()
    assert bubbles[0].train is None
    assert "x-note" in bubbles[2].extras.text()
    assert editor.header.text().startswith("Example 1")
    assert editor.tabs.isTabEnabled(editor.CONVERSATION_TAB)


def test_token_counts_appear_and_follow_typing(qtbot, editor, dataset, counter):
    editor.show_record(CHAT_LINE)
    bubble = editor.bubbles()[1]
    qtbot.waitUntil(lambda: bubble.tokens.text().endswith("tokens"))
    before = int(bubble.tokens.text().split()[0])
    type_into(qtbot, bubble.editors[0], " Please buy it today, it is great.")
    qtbot.waitUntil(lambda: int(bubble.tokens.text().split()[0].replace(",", "")) > before)
    message = dataset.value(CHAT_LINE)["messages"][1]
    expected = counter.count_example({"messages": [message]}).total - 3
    assert bubble.tokens.text() == f"{expected} tokens"
    assert "tokens" in editor.header.text()


def test_token_counts_wait_for_the_counter(qtbot, dataset, stack, counter):
    ready = {"counter": None}
    asked: list[object] = []

    def counter_when_ready():  # type: ignore[no-untyped-def]
        asked.append(ready["counter"])
        return ready["counter"]

    widget = ExampleEditor()
    qtbot.addWidget(widget)
    widget.set_context(dataset, stack, counter_when_ready)
    widget.show_record(CHAT_LINE)
    qtbot.waitUntil(lambda: len(asked) >= 2)  # it found no counter, and asked again later
    assert {b.tokens.text() for b in widget.bubbles()} == {"…"}
    ready["counter"] = counter  # the tokenizer finished loading in the background
    qtbot.waitUntil(lambda: widget.bubbles()[0].tokens.text().endswith("tokens"), timeout=3000)


def test_typing_edits_the_dataset_as_one_undo_step(qtbot, editor, dataset, stack):
    editor.show_record(CHAT_LINE)
    edited = []
    editor.record_edited.connect(edited.append)
    type_into(qtbot, editor.bubbles()[2].editors[0], " Thanks!")
    value = dataset.value(CHAT_LINE)
    assert value["messages"][2]["content"] == "Take a look when you're ready. Thanks!"
    assert value["messages"][2]["x-note"] == "keep"  # unknown keys survive editing
    assert stack.count() == 1 and set(edited) == {CHAT_LINE}
    type_into(qtbot, editor.bubbles()[1].editors[0], "!")  # another field: another step
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL
    assert texts(editor)[2] == "Take a look when you're ready."  # the editor followed the undo


def test_role_change_rebuilds_and_undoes(editor, dataset, stack):
    editor.show_record(CHAT_LINE)
    combo = editor.bubbles()[0].role_combo
    combo.setCurrentIndex(combo.findData("user"))
    combo.activated.emit(combo.currentIndex())
    assert dataset.value(CHAT_LINE)["messages"][0]["role"] == "user"
    assert editor.bubbles()[0].role == "user"
    stack.undo()
    assert editor.bubbles()[0].role == "system"
    assert dataset.to_bytes() == ORIGINAL


def test_train_switch_writes_weight_zero_and_back(editor, dataset, stack):
    editor.show_record(CHAT_LINE)
    switch = editor.bubbles()[2].train
    switch.click()
    assert dataset.value(CHAT_LINE)["messages"][2]["weight"] == 0
    editor.bubbles()[2].train.click()
    assert "weight" not in dataset.value(CHAT_LINE)["messages"][2]
    assert dataset.to_bytes() == ORIGINAL  # no weight: 1 added to a line that never had it
    assert stack.count() == 2


def test_add_delete_duplicate_move_messages(qtbot, editor, dataset, stack):
    editor.show_record(CHAT_LINE)
    editor.bubbles()[2].buttons["list-add"].click()
    roles = [m["role"] for m in dataset.value(CHAT_LINE)["messages"]]
    assert roles == ["system", "user", "assistant", "user"]
    assert len(editor.bubbles()) == 4
    assert editor.current_bubble() is editor.bubbles()[3]  # the new message has the cursor
    editor.bubbles()[1].buttons["edit-copy"].click()
    assert [m["content"] for m in dataset.value(CHAT_LINE)["messages"]][1:3] == [
        "Rewrite: buy now!"
    ] * 2
    editor.bubbles()[3].buttons["go-up"].click()
    assert dataset.value(CHAT_LINE)["messages"][2]["role"] == "assistant"
    editor.bubbles()[0].buttons["list-remove"].click()
    assert dataset.value(CHAT_LINE)["messages"][0]["role"] == "user"
    assert not editor.bubbles()[0].buttons["go-up"].isEnabled()
    while stack.canUndo():
        stack.undo()
    assert dataset.to_bytes() == ORIGINAL
    assert len(editor.bubbles()) == 3


def test_keyboard_moves_between_messages_and_adds_one(qtbot, editor, dataset):
    editor.show_record(CHAT_LINE)
    editor.activateWindow()
    editor.bubbles()[0].focus_editor()
    qtbot.waitUntil(lambda: editor.current_bubble() is editor.bubbles()[0])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert editor.current_bubble() is editor.bubbles()[1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert editor.current_bubble() is editor.bubbles()[0]
    qtbot.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert [m["role"] for m in dataset.value(CHAT_LINE)["messages"]][:2] == ["system", "user"]
    assert len(dataset.value(CHAT_LINE)["messages"]) == 4
    assert editor.current_bubble() is editor.bubbles()[1]


def test_every_control_has_an_accessible_name_or_text(editor):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QTextEdit

    for line in (CHAT_LINE, TOOLS_LINE, PAIR_LINE):
        editor.show_record(line)
        for bubble in editor.bubbles():
            bubble.buttons  # noqa: B018 - make the hover buttons
            for kind in (QAbstractButton, QComboBox, QTextEdit):
                for widget in bubble.findChildren(kind):
                    assert widget.accessibleName(), widget
                    assert widget.toolTip(), widget


def test_tool_calls_are_readable_and_editable(qtbot, editor, dataset):
    editor.show_record(TOOLS_LINE)
    bubbles = editor.bubbles()
    box = bubbles[1].tool_calls.boxes[0]
    assert box.name.text() == "get_weather"
    assert box.arguments.toPlainText() == '{\n  "city": "Paris"\n}'
    assert not box.problem.isVisibleTo(box)
    assert bubbles[2].answer.combo.currentText() == "get_weather · call_1"
    assert bubbles[2].answer.combo.lineEdit().cursorPosition() == 0  # the name shows first
    assert not bubbles[3].train.isChecked()  # weight 0
    type_into(qtbot, box.arguments, "x")
    assert box.problem.isVisibleTo(box) and "not valid JSON" in box.problem.text()
    stored = dataset.value(TOOLS_LINE)["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert stored.endswith("}x")  # kept as typed so nothing is lost, flagged in the editor
    qtbot.keyClick(box.arguments, Qt.Key.Key_Backspace)
    assert not box.problem.isVisibleTo(box)
    assert json.loads(
        dataset.value(TOOLS_LINE)["messages"][1]["tool_calls"][0]["function"]["arguments"]
    ) == {"city": "Paris"}
    box.name.setFocus()
    assert box.name.cursorPosition() == 0  # a narrow box shows the name's start
    qtbot.keyClick(box.name, Qt.Key.Key_End)
    qtbot.keyClicks(box.name, "_now")
    assert dataset.value(TOOLS_LINE)["messages"][1]["tool_calls"][0]["function"]["name"] == (
        "get_weather_now"
    )


def test_add_and_remove_a_tool_call(editor, dataset, stack):
    editor.show_record(TOOLS_LINE)
    editor.bubbles()[3].buttons["fix"].click()
    calls = dataset.value(TOOLS_LINE)["messages"][3]["tool_calls"]
    assert calls[0]["id"] == "call_2"
    assert editor.bubbles()[3].tool_calls is not None
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_preference_pair_shows_prompt_and_both_replies(qtbot, editor, dataset):
    editor.show_record(PAIR_LINE)
    view = editor.conversation.preference
    assert view.isVisibleTo(editor)
    assert [b.ref for b in editor.bubbles()] == [
        ("input", "messages", 0),
        ("preferred_output", 0),
        ("non_preferred_output", 0),
    ]
    assert view.preferred.bubbles[0].train is None  # weight does not apply to DPO outputs
    left = view.preferred.mapTo(editor, view.preferred.rect().topLeft())
    right = view.non_preferred.mapTo(editor, view.non_preferred.rect().topLeft())
    assert left.y() == right.y() and left.x() < right.x()  # side by side
    type_into(qtbot, view.non_preferred.bubbles[0].editors[0], "?")
    assert dataset.value(PAIR_LINE)["non_preferred_output"][0]["content"] == "BEST SHOE!!!?"


def test_a_narrow_editor_puts_the_two_replies_one_under_the_other(qtbot, editor):
    editor.show_record(PAIR_LINE)
    view = editor.conversation.preference
    editor.resize(380, 700)
    qtbot.waitUntil(lambda: not view.side_by_side, timeout=2_000)
    qtbot.waitUntil(lambda: view.non_preferred.geometry().right() <= view.width(), timeout=2_000)

    def stacked() -> bool:
        top = view.preferred.mapTo(view, view.preferred.rect().topLeft())
        below = view.non_preferred.mapTo(view, view.non_preferred.rect().topLeft())
        return below.y() > top.y() and below.x() == top.x()

    qtbot.waitUntil(stacked, timeout=2_000)
    editor.resize(1000, 700)
    qtbot.waitUntil(lambda: view.side_by_side, timeout=2_000)


@pytest.mark.parametrize("line", [CHAT_LINE, TOOLS_LINE])
def test_bubbles_fit_a_narrow_editor(qtbot, editor, line):
    """Nothing is cut off at the right edge of a narrow middle pane (the window's default)."""
    editor.show_record(line)
    editor.resize(440, 700)
    viewport = editor.conversation.viewport()

    def all_fit() -> bool:
        return all(
            b.mapTo(viewport, b.rect().topRight()).x() <= viewport.width() for b in editor.bubbles()
        )

    qtbot.waitUntil(all_fit, timeout=2_000)


def test_images_are_chips_not_base64(editor):
    from desktop_app.ui.editor.message_bubble import Chip

    editor.show_record(IMAGE_LINE)
    chips = [c.text() for c in editor.bubbles()[0].findChildren(Chip)]
    assert chips == ["🖼 https://example.com/chart.png", "🖼 Embedded PNG image (1 KB)"]
    assert editor.bubbles()[0].editors[0].toPlainText() == "What is in the chart?"


def test_the_next_examples_picture_is_shown_not_the_last_ones(qtbot, stack, counter):
    """Two examples of the same shape: the bubbles are kept, and their picture is shown anew."""
    from desktop_app.ui.editor.message_bubble import Chip

    def asked(number: int) -> dict:
        picture = {"type": "image_url", "image_url": {"url": f"https://example.com/{number}.png"}}
        question = [{"type": "text", "text": f"Chart {number}?"}, picture]
        return {
            "messages": [
                {"role": "user", "content": question},
                {"role": "assistant", "content": "Blue"},
            ]
        }

    widget = ExampleEditor()
    qtbot.addWidget(widget)
    widget.set_context(Dataset.from_values([asked(0), asked(1)]), stack, lambda: counter)
    widget.show_record(0)
    first = widget.bubbles()[0]
    widget.show_record(1)
    assert widget.bubbles()[0] is first  # kept: only what it shows changed
    (chip,) = first.findChildren(Chip)
    assert chip.text() == "🖼 https://example.com/1.png" and "1.png" in chip.toolTip()
    assert first.editors[0].toPlainText() == "Chart 1?"


def test_broken_line_is_fixed_in_the_raw_tab(qtbot, editor, dataset, stack):
    editor.show_record(BROKEN_LINE)
    assert editor.tabs.currentIndex() == editor.RAW_TAB
    assert not editor.tabs.isTabEnabled(editor.CONVERSATION_TAB)
    raw = editor.raw
    assert raw.text.toPlainText() == '{"messages": [{"role": "user", "content": "Hi"},, ]}'
    assert raw.error.isVisibleTo(raw) and "not valid JSON" in raw.error.text()
    assert raw.error_selection() == (48, 49)  # the stray comma
    cursor = raw.text.textCursor()
    cursor.setPosition(47)
    cursor.setPosition(51, cursor.MoveMode.KeepAnchor)
    raw.text.setTextCursor(cursor)
    raw.text.setFocus()
    qtbot.keyClicks(raw.text, ', {"role": "assistant", "content": "Hello"}]')
    assert dataset.value(BROKEN_LINE)["messages"][1]["content"] == "Hello"
    assert editor.tabs.isTabEnabled(editor.CONVERSATION_TAB)
    assert not raw.error.isVisibleTo(raw) and raw.error_selection() is None
    assert len(editor.conversation.bubbles) == 2
    assert stack.count() == 1  # typing in the raw tab merges
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL
    assert raw.text.toPlainText().endswith(",, ]}")


def test_a_comment_line_says_it_is_a_comment_in_the_raw_tab(qtbot, stack, counter):
    """A `//` line was "not valid JSON: … a stray character (at character 1)"."""
    dataset = Dataset.from_bytes(b"// game intro data\n" + ORIGINAL)
    editor = ExampleEditor()
    qtbot.addWidget(editor)
    editor.set_context(dataset, stack, lambda: counter)
    editor.show()
    editor.show_record(0)
    raw = editor.raw
    qtbot.waitUntil(lambda: raw.error.isVisibleTo(raw), timeout=2_000)
    assert raw.error.text().startswith("This line is a comment")
    assert "File ▸ Repair File…" in raw.error.text()
    editor.show_record(1 + BROKEN_LINE)  # other broken lines still say where JSON breaks
    qtbot.waitUntil(lambda: "not valid JSON" in raw.error.text(), timeout=2_000)


def test_formatted_view_changes_nothing_until_edited(qtbot, editor, dataset, stack):
    editor.show_record(CHAT_LINE)
    editor.tabs.setCurrentIndex(editor.RAW_TAB)
    raw = editor.raw
    assert raw.text.toPlainText() == dataset[CHAT_LINE].text
    raw.format_button.click()
    assert raw.text.toPlainText().startswith('{\n  "messages": [')
    assert dataset.to_bytes() == ORIGINAL and stack.count() == 0
    text = raw.text.toPlainText().replace("Be kind.", "Be very kind.")
    raw.text.setPlainText(text)
    assert b"\n" not in dataset[CHAT_LINE].raw  # still one line in the file
    assert dataset.value(CHAT_LINE)["messages"][0]["content"] == "Be very kind."
    assert texts(editor)[0] == "Be very kind."


def test_blank_and_legacy_lines_offer_a_fix(editor, dataset, stack):
    from desktop_app.ui.icons import icon

    def badge_is(name: str) -> bool:
        return notice.badge.pixmap().toImage() == icon(name).pixmap(20, 20).toImage()

    editor.show_record(BLANK_LINE)
    notice = editor.conversation.notice
    assert "empty" in notice.text.text()
    assert badge_is("severity-info")  # as the Problems list marks it: not a warning
    notice.button.click()
    assert [m["role"] for m in dataset.value(BLANK_LINE)["messages"]] == ["user", "assistant"]
    editor.show_record(LEGACY_LINE)
    assert "prompt/completion" in notice.text.text()
    assert badge_is("severity-error")  # an error in the Problems list too
    notice.button.click()
    assert dataset.value(LEGACY_LINE) == {
        "messages": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "A."}],
        "id": 7,
    }
    assert len(editor.bubbles()) == 2
    stack.undo()
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_editor_follows_inserts_removals_and_outside_undo(editor, dataset, stack):
    from desktop_app.qt.commands import InsertRecordsCommand, RemoveRecordsCommand

    editor.show_record(PAIR_LINE)
    stack.push(InsertRecordsCommand(dataset, 0, [{"messages": []}], "Add"))
    assert editor.current_index() == PAIR_LINE + 1
    assert editor.header.text().startswith(f"Example {PAIR_LINE + 2}")
    stack.push(RemoveRecordsCommand(dataset, [PAIR_LINE + 1], "Delete"))
    assert editor.current_index() is None
    assert editor.header.text() == "No example selected"
    stack.undo()
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_focus_message_and_a_long_conversation(qtbot, dataset, stack):
    from desktop_app.core.dataset.records import Dataset
    from desktop_app.ui.editor.message_list import NEW_RECORD_CHUNK

    messages = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": f"Message {i}"}
        for i in range(200)
    ]
    long = Dataset.from_values([{"messages": messages}])
    widget = ExampleEditor()
    qtbot.addWidget(widget)
    widget.set_context(long, stack, lambda: None)
    widget.resize(800, 600)
    widget.show()
    widget.show_record(0)
    built = widget.conversation.bubbles  # (what is built so far)
    assert len(built) == NEW_RECORD_CHUNK  # a few at once, so the click answers at once
    qtbot.waitUntil(lambda: len(widget.conversation.bubbles) == 200, timeout=10_000)
    widget.show_record(None)
    widget.show_record(0)
    assert len(widget.bubbles()) == 200  # asking for the bubbles builds the rest now
    widget.focus_message(150)
    assert widget.current_bubble() is widget.bubbles()[150]


def test_tab_goes_from_text_to_text_and_typing_never_picks_a_role(qtbot, editor, dataset):
    editor.show_record(CHAT_LINE)
    editor.activateWindow()
    qtbot.waitUntil(lambda: editor.isActiveWindow())
    system, user, reply = editor.bubbles()
    system.editors[0].setFocus()
    qtbot.waitUntil(lambda: system.editors[0].hasFocus())
    qtbot.keyClick(system.editors[0], Qt.Key.Key_Tab)
    assert user.editors[0].hasFocus()
    qtbot.keyClick(user.editors[0], Qt.Key.Key_Tab)
    assert reply.editors[0].hasFocus()  # not the reply's role box
    type_into(qtbot, reply.editors[0], " Sure")
    bubbles = editor.bubbles()
    assert [b.role for b in bubbles] == ["system", "user", "assistant"]
    assert bubbles[2].editors[0].toPlainText().endswith("ready. Sure")
    qtbot.waitUntil(lambda: bubbles[2].role_combo.isVisible())  # (the edit showed it anew)
    qtbot.keyClick(bubbles[2].editors[0], Qt.Key.Key_Backtab)  # its role is one step back
    assert bubbles[2].isAncestorOf(QApplication.focusWidget())
    assert not bubbles[2].editors[0].hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the last text: on as before
    assert QApplication.focusWidget() is not None


@pytest.mark.parametrize("where", ["bubble", "raw", "function name"])
def test_ctrl_z_reaches_the_windows_undo_action(qtbot, dataset, stack, counter, where):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    editor = ExampleEditor()
    QVBoxLayout(window).addWidget(editor)
    undo = QAction("Undo", window)
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.triggered.connect(lambda: stack.undo())
    window.addAction(undo)
    editor.set_context(dataset, stack, lambda: counter)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    editor.show_record(CHAT_LINE)
    if where == "raw":
        editor.tabs.setCurrentIndex(editor.RAW_TAB)
        target = editor.raw.text
    elif where == "function name":
        editor.show_record(TOOLS_LINE)
        target = editor.bubbles()[1].tool_calls.boxes[0].name
    else:
        target = editor.bubbles()[1].editors[0]
    if where == "function name":
        target.setFocus()
        qtbot.keyClicks(target, "xyz")
    else:
        type_into(qtbot, target, "xyz")
    assert stack.count() == 1
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dataset.to_bytes() == ORIGINAL


def test_long_call_ids_leave_the_function_name_whole_and_the_bubbles_inside(
    qtbot, stack, counter
) -> None:
    """A published file's ids ("call_rEJCsN62dJMJXkdnZ4eBexmo") sat beside the name box, which
    showed "eather" of "get_current_weather", and pushed the bubbles past the editor's edge."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "realworld"
    raw = (path / "mlteam-ai_openai-cheat-sheet__data_weather_chat_fine_tuning.jsonl").read_bytes()
    widget = ExampleEditor()
    qtbot.addWidget(widget)
    widget.set_context(Dataset.from_bytes(raw), stack, lambda: counter)
    widget.resize(440, 700)  # the editor's width in a 1600-pixel window
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_record(0)
    bubbles = widget.bubbles()
    boxes = bubbles[1].tool_calls.boxes
    assert len(boxes) == 3

    def settled() -> bool:
        names = all(
            b.name.width() > b.name.fontMetrics().horizontalAdvance(b.name.text()) for b in boxes
        )
        inside = all(b.mapTo(widget, b.rect().topRight()).x() <= widget.width() for b in bubbles)
        return names and inside

    qtbot.waitUntil(settled, timeout=5000)


def all_fit(editor: ExampleEditor) -> bool:
    """Every bubble ends within the conversation's visible width."""
    viewport = editor.conversation.viewport()
    return all(
        b.mapTo(viewport, b.rect().topRight()).x() <= viewport.width() for b in editor.bubbles()
    )


def test_published_examples_fit_the_narrowest_editor(qtbot, stack, counter, realworld_dir):
    """Every bubble of the published files' first examples fits the editor at its least width
    (the weather file's tool answers were 374 pixels wide: their header's function name, long
    call ids and the chat indent cut the bubbles' right edge off at 1024 pixels)."""
    editor = ExampleEditor()
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    for path in sorted(realworld_dir.glob("*.jsonl")):
        dataset = Dataset.open(path)
        editor.set_context(dataset, stack, lambda: counter)
        for index in range(min(4, len(dataset))):
            editor.show_record(index)
            editor.resize(editor.minimumSizeHint().width(), 700)
            page = editor.conversation.widget()
            viewport = editor.conversation.viewport()
            assert page.minimumSizeHint().width() <= viewport.width(), (path.name, index)

            qtbot.waitUntil(lambda: all_fit(editor), timeout=2_000)


def test_the_wheel_scrolls_past_a_role_box_without_changing_it(qtbot, editor, dataset, stack):
    """Scrolling a conversation with the pointer over a role or answer box scrolled nothing and
    changed the box instead (a tool answer's call changed while scrolling the weather file)."""
    editor.show_record(TOOLS_LINE)
    editor.resize(600, 260)
    bar = editor.conversation.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2_000)
    before = dataset.value(TOOLS_LINE)
    bubbles = editor.bubbles()
    for box in (bubbles[0].role_combo, bubbles[2].answer.combo):
        editor.conversation.ensureWidgetVisible(box)
        bar.setValue(bar.minimum() if box is bubbles[0].role_combo else bar.value())
        at = bar.value()
        turn_wheel(box)
        assert dataset.value(TOOLS_LINE) == before and stack.count() == 0
        assert bar.value() > at  # the page moved on instead
        assert not box.hasFocus()
    box = bubbles[0].role_combo
    box.setFocus()  # chosen on purpose: then the wheel steps through the roles
    turn_wheel(box)
    qtbot.waitUntil(lambda: stack.count() == 1, timeout=2_000)
