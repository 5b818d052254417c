"""No Python wrapper outlives a layout item: a stale one comes back in place of a new widget.

PySide 6 gives every item already inside a layout a Python wrapper when that filled layout is
added to another (`addLayout`); Qt deletes the item when its widget leaves, the wrapper stays, and
a widget later made at the same address is handed to Python as that `QWidgetItem` (seen in CI:
"'QWidgetItem' object has no attribute 'setAutoFillBackground'"). The editor nests its layouts
empty and fills them after, so no item wrapper exists at all.
"""

from __future__ import annotations

import pytest
from editor_samples import ORIGINAL, PAIR_LINE, TOOLS_LINE

import shiboken6
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLayout, QLayoutItem

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.tokens.counts import TokenCounter
from desktop_app.ui.editor.example_editor import ExampleEditor

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def item_wrappers() -> list[QLayoutItem]:
    """Every live wrapper of a plain layout item (layouts themselves are QObjects, tracked apart)."""
    return [
        wrapper
        for wrapper in shiboken6.getAllValidWrappers()
        if isinstance(wrapper, QLayoutItem) and not isinstance(wrapper, QLayout)
    ]


def test_showing_and_editing_examples_leaves_no_layout_item_wrapper(qtbot):
    before = item_wrappers()
    editor = ExampleEditor()
    qtbot.addWidget(editor)
    dataset = Dataset.from_bytes(ORIGINAL)
    stack = QUndoStack()
    counter = TokenCounter("gpt-4o-mini")
    editor.set_context(dataset, stack, lambda: counter)
    editor.resize(900, 700)
    editor.show()
    for index in [0, TOOLS_LINE, PAIR_LINE, 0, TOOLS_LINE]:
        editor.show_record(index)
        qtbot.waitUntil(lambda: all(b.isVisible() for b in editor.bubbles()))
    editor.show_record(0)
    first = editor.bubbles()[0]
    first.editors[0].setPlainText("A new first message")
    qtbot.waitUntil(
        lambda: (
            editor.bubbles()
            and editor.bubbles()[0].editors[0].toPlainText() == "A new first message"
        )
    )
    earlier = {id(wrapper) for wrapper in before}  # `before` holds them: their ids stay theirs
    assert [type(w).__name__ for w in item_wrappers() if id(w) not in earlier] == []
