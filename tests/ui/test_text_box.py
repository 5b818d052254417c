"""The text box reports the writer's typing, never a change of formats only."""

from __future__ import annotations

from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextCursor

from desktop_app.ui.editor.text_box import GrowingTextEdit


class _Underline(QSyntaxHighlighter):
    def highlightBlock(self, text: str) -> None:
        marks = QTextCharFormat()
        marks.setFontUnderline(True)
        self.setFormat(0, len(text), marks)


def test_underlines_drawn_later_are_not_typing(qtbot) -> None:
    box = GrowingTextEdit()
    qtbot.addWidget(box)
    typed: list[str] = []
    box.edited.connect(typed.append)
    box.set_text("A reply with a mispelled word")
    _Underline(box.document()).rehighlight()  # what the spell checker does once its words load
    assert typed == []
    box.moveCursor(QTextCursor.MoveOperation.End)
    box.insertPlainText("!")
    assert typed == ["A reply with a mispelled word!"]


def test_an_empty_narrow_box_is_tall_enough_for_its_whole_placeholder(qtbot) -> None:
    box = GrowingTextEdit()
    qtbot.addWidget(box)
    box.setPlaceholderText("The reply the model should learn to give…")
    box.resize(120, box.height())
    box.show()
    line = box.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: box.height() >= 2 * line)  # wrapped: two lines or more
    empty_height = box.height()
    assert _inked(box, line, 1) > 0  # its second line is drawn too (Qt's stops at the first)
    box.insertPlainText("Yes.")
    qtbot.waitUntil(lambda: box.height() < empty_height)  # its text is one line
    box.clear()
    qtbot.waitUntil(lambda: box.height() == empty_height)


def _inked(box: GrowingTextEdit, line: int, which: int) -> int:
    """How many pixels of the box's line `which` (0 is the first) differ from its background."""
    image = box.grab().toImage()
    background = image.pixelColor(1, 1)
    top = int(box.document().documentMargin()) + which * line
    return sum(
        1
        for y in range(top, min(top + line, image.height()))
        for x in range(image.width())
        if image.pixelColor(x, y) != background
    )
