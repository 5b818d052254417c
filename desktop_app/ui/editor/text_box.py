"""A plain-text box that grows with its text, for message bubbles (the page scrolls, not the box)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextEdit, QWidget

_APP_KEYS = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)


def is_app_shortcut(event: QEvent) -> bool:
    """Undo/redo keys, which belong to the app's undo stack (Edit menu), not to a text box."""
    return (
        event.type() == QEvent.Type.ShortcutOverride
        and isinstance(event, QKeyEvent)
        and any(event.matches(key) for key in _APP_KEYS)
    )


class AppShortcutFilter(QObject):
    """Event filter for line edits: lets Ctrl+Z / Ctrl+Shift+Z reach the app's undo stack."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_app_shortcut(event):
            event.ignore()
            return True
        return False


def route_undo_to_app(widget: QWidget) -> None:
    """Make the app's Undo/Redo (not the widget's own) answer Ctrl+Z in `widget`."""
    keeper = AppShortcutFilter(widget)
    widget.installEventFilter(keeper)


class GrowingTextEdit(QTextEdit):
    """Emits `edited(text)` only for the writer's typing, never for set_text()."""

    edited = Signal(str)
    focus_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None, *, min_lines: int = 1) -> None:
        super().__init__(parent)
        self._quiet = False
        self._hint = ""  # see placeholderText
        self._shown = ""  # the text last shown or typed: format-only changes are not typing
        self._min_lines = min_lines
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)  # the app's undo stack undoes typing, field by field
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        # long words and URLs break anywhere rather than run past the bubble's edge
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(4)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.textChanged.connect(self._on_text_changed)
        self._fit()

    def set_text(self, text: str) -> None:
        """Show text without reporting it as typing; keeps the cursor near where it was."""
        if text == self.toPlainText():
            return
        cursor = self.textCursor()
        position = cursor.position()
        self._quiet = True
        try:
            self.setPlainText(text)
            self._shown = text
        finally:
            self._quiet = False
        cursor = self.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.setTextCursor(cursor)

    def _on_text_changed(self) -> None:
        # textChanged also fires when only formats change (spell-check underlines being drawn).
        if self._hint:  # its height goes as the first character comes (and back)
            self._fit()
        text = self.toPlainText()
        if self._quiet or text == self._shown:
            return
        self._shown = text
        self.edited.emit(text)

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        margin = int(self.document().documentMargin() * 2)
        height = max(int(self.document().size().height()), line * self._min_lines + margin)
        height = max(height, self._placeholder_height(margin))
        height += self.frameWidth() * 2 + 2
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    # The hint an empty box shows. Qt draws a placeholder on one line, cut off at the edge of a
    # narrow bubble ("The reply the model should"); this one wraps, and the box grows to it.
    def placeholderText(self) -> str:
        return self._hint

    def setPlaceholderText(self, text: str) -> None:
        self._hint = text
        self.setAccessibleDescription(text)
        self._fit()
        self.viewport().update()

    def _hint_rect(self) -> QRect:
        margin = int(self.document().documentMargin())
        return self.viewport().rect().adjusted(margin, margin, -margin, -margin)

    def _placeholder_height(self, margin: int) -> int:
        if not self._hint or not self.document().isEmpty():
            return 0
        width = max(1, self.viewport().width() - margin)
        flags = int(Qt.TextFlag.TextWordWrap)
        return (
            self.fontMetrics().boundingRect(0, 0, width, 10_000, flags, self._hint).height()
            + margin
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._hint and self.document().isEmpty():
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            flags = int(Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)
            painter.drawText(self._hint_rect(), flags, self._hint)
            painter.end()

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # let the conversation page scroll

    def event(self, event: QEvent) -> bool:
        # Undo/redo belong to the app's stack (Edit menu), not to this box.
        if is_app_shortcut(event):
            event.ignore()
            return False
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focus_changed.emit(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_changed.emit(False)
