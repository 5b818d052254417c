"""The "Raw JSON" tab: the exact line as the file holds it, with the reading error pointed out."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QShowEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.checks.structure import is_comment
from desktop_app.core.dataset import edits
from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind
from desktop_app.core.dataset.records import Record
from desktop_app.ui.editor.look import icon
from desktop_app.ui.editor.text_box import is_app_shortcut
from desktop_app.ui.editor.tool_calls_editor import monospace
from desktop_app.ui.layouts import nested

COMMENT_ADVICE = (
    "This line is a comment, and a JSONL file cannot hold comments. Delete the line "
    "(Edit ▸ Delete), or repair the whole file at once (File ▸ Repair File…)."
)


def error_column(record: Record, parsed: ParsedLine) -> int | None:
    """Where the error is, in characters of the shown text (a UTF-8 error is given in bytes)."""
    if parsed.kind is not RecordKind.BROKEN or parsed.error_offset is None:
        return None
    try:
        record.raw.decode("utf-8")
    except UnicodeDecodeError:
        return len(record.raw[: parsed.error_offset].decode("utf-8", errors="replace"))
    return parsed.error_offset


class RawTextEdit(QPlainTextEdit):
    """The raw line's text box; Ctrl+Z goes to the app's undo stack like everywhere else."""

    def event(self, event: QEvent) -> bool:
        if is_app_shortcut(event):
            event.ignore()
            return False
        return super().event(event)


class RawJsonEditor(QWidget):
    """Emits `edited(text)` with the editor's text as the writer types."""

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = nested(layout)
        self.format_button = QToolButton()
        self.format_button.setText("Formatted view")
        self.format_button.setCheckable(True)
        self.format_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.format_button.setAccessibleName("Formatted view")
        self.format_button.setToolTip(
            "Show the line indented over several lines for reading. This changes only the view: "
            "the file keeps one line per example."
        )
        self.format_button.toggled.connect(self._format_toggled)
        bar.addWidget(self.format_button)
        self.hint = QLabel()
        self.hint.setEnabled(False)
        bar.addWidget(self.hint, 1)
        self.text = RawTextEdit()
        self.text.setFont(monospace())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setUndoRedoEnabled(False)  # the app's undo stack undoes raw edits too
        self.text.setAccessibleName("Raw JSON of the example")
        self.text.setToolTip("The example exactly as the line in the file reads.")
        self.text.textChanged.connect(self._text_changed)
        layout.addWidget(self.text, 1)
        error_row = nested(layout)
        self.error_icon = QLabel()
        self.error_icon.setPixmap(icon("severity-error").pixmap(16, 16))
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Reading error")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error_row.addWidget(self.error, 1)
        self._quiet = False
        self._stale = False
        self._record: Record | None = None
        self._parsed: ParsedLine | None = None
        self._set_error(None)

    @property
    def formatted_view(self) -> bool:
        return self.format_button.isChecked()

    def show_record(self, record: Record | None, parsed: ParsedLine | None) -> None:
        """Show the line (exact, or indented in the formatted view) and its error.

        While the tab is hidden this only remembers the line; it is shown when the tab opens.
        """
        self._record, self._parsed = record, parsed
        if not self.isVisible() and record is not None:
            self._stale = True
            return
        self._stale = False
        readable = parsed is not None and parsed.kind not in (RecordKind.BROKEN, RecordKind.BLANK)
        self.format_button.setEnabled(readable)
        text = "" if record is None else record.text
        if self.formatted_view and readable:
            text = edits.formatted(text) or text
        self.text.setReadOnly(record is None)
        if text != self.text.toPlainText():
            position = self.text.textCursor().position()
            self._quiet = True
            try:
                self.text.setPlainText(text)
            finally:
                self._quiet = False
            cursor = self.text.textCursor()
            cursor.setPosition(min(position, len(text)))
            self.text.setTextCursor(cursor)
        self.show_status(record, parsed)

    def show_status(self, record: Record | None, parsed: ParsedLine | None) -> None:
        """Update the error line and highlight without touching the text being typed."""
        self._record, self._parsed = record, parsed
        self.format_button.setEnabled(
            parsed is not None and parsed.kind not in (RecordKind.BROKEN, RecordKind.BLANK)
        )
        if record is None or parsed is None:
            self.hint.setText("")
            self._set_error(None)
            return
        self.hint.setText(
            "Indented for reading; saved as one line."
            if self.formatted_view
            else "Exactly as the line is saved."
        )
        if parsed.kind is RecordKind.BROKEN and is_comment(record.text):
            self._set_error(COMMENT_ADVICE)
        elif parsed.kind is RecordKind.BROKEN:
            self._set_error(parsed.error, error_column(record, parsed))
        else:
            self._set_error(None)

    def _set_error(self, message: str | None, column: int | None = None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.error_icon.setVisible(bool(message))
        if not message or column is None:
            self.text.setExtraSelections([])
            return
        length = len(self.text.toPlainText())
        column = max(0, min(column, length - 1))
        selection = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(229, 57, 53, 90))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor("#d32f2f"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(column)
        cursor.movePosition(
            QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor
        )
        selection.cursor = cursor
        selection.format = fmt
        self.text.setExtraSelections([selection])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.show_record(self._record, self._parsed)

    def error_selection(self) -> tuple[int, int] | None:
        """(start, end) of the highlighted error, for tests and screen readers."""
        selections = self.text.extraSelections()
        if not selections:
            return None
        cursor = selections[0].cursor
        return cursor.selectionStart(), cursor.selectionEnd()

    def _format_toggled(self, _checked: bool) -> None:
        self.show_record(self._record, self._parsed)

    def _text_changed(self) -> None:
        if not self._quiet and self._record is not None:
            self.edited.emit(self.text.toPlainText())
