"""The results table of a comparison: prompt, reference reply, reply A, reply B, rating.

An adapter over `core.trying.comparison.Comparison` (which owns the data): rows are built on demand in
`data()`, and the view is told about each row that changed as replies arrive.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from desktop_app.core.trying.comparison import TIE, A, B, Comparison, Reply
from desktop_app.ui.theme import severity_color

CELL_CHARS = 300  # characters shown in a cell; the tooltip has more
TIP_CHARS = 3000
FullTextRole = Qt.ItemDataRole.UserRole + 1
ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class Column(IntEnum):
    NUMBER = 0
    PROMPT = 1
    REFERENCE = 2
    REPLY_A = 3
    REPLY_B = 4
    RATING = 5


RATING_TEXT = {A: "A is better", B: "B is better", TIE: "About the same"}


class CompareTableModel(QAbstractTableModel):
    def __init__(
        self, comparison: Comparison, error_icon: QIcon | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self.running = False  # while a run is going, empty cells say “waiting”
        self._error_icon = error_icon or QIcon()

    # ---- shape -----------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.comparison.rows)

    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                Column.NUMBER: "#",
                Column.PROMPT: "Prompt",
                Column.REFERENCE: "Reference reply",
                Column.REPLY_A: f"A: {self.comparison.a.display_name}",
                Column.REPLY_B: f"B: {self.comparison.b.display_name}",
                Column.RATING: "Rating",
            }[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole and section in (Column.REPLY_A, Column.REPLY_B):
            endpoint = self.comparison.a if section == Column.REPLY_A else self.comparison.b
            return f"{endpoint.model} ({endpoint.where})"
        return None

    # ---- cells -----------------------------------------------------------------------------
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.comparison.rows):
            return None
        row = self.comparison.rows[index.row()]
        column = Column(index.column())
        reply = row.a if column == Column.REPLY_A else row.b if column == Column.REPLY_B else None
        is_reply = column in (Column.REPLY_A, Column.REPLY_B)
        if role == Qt.ItemDataRole.DisplayRole:
            return _short(self._text(index.row(), column))
        if role in (Qt.ItemDataRole.ToolTipRole, FullTextRole):
            text = self._text(index.row(), column)
            return text if role == FullTextRole else _tip(text)
        if role == Qt.ItemDataRole.ForegroundRole and is_reply:
            if reply is not None and not reply.ok:
                return severity_color("error")
            if reply is None:
                return severity_color("info")
            return None
        if role == Qt.ItemDataRole.DecorationRole and reply is not None and not reply.ok:
            return self._error_icon
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(index.row(), column)[:TIP_CHARS]
        return None

    def _text(self, row_index: int, column: Column) -> str:
        row = self.comparison.rows[row_index]
        if column == Column.NUMBER:
            return str(row_index + 1)
        if column == Column.PROMPT:
            return row.prompt.text
        if column == Column.REFERENCE:
            return row.prompt.reference or ""
        if column == Column.RATING:
            return RATING_TEXT.get(row.rating or "", "")
        return self._reply_text(row.a if column == Column.REPLY_A else row.b)

    def _reply_text(self, reply: Reply | None) -> str:
        if reply is None:
            return "Waiting…" if self.running else "Not asked yet"
        if reply.ok:
            return reply.text
        return reply.shown

    # ---- updates ---------------------------------------------------------------------------
    def row_changed(self, row: int) -> None:
        if 0 <= row < len(self.comparison.rows):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def set_running(self, running: bool) -> None:
        self.running = running
        if self.comparison.rows:
            last = len(self.comparison.rows) - 1
            for column in (Column.REPLY_A, Column.REPLY_B):
                self.dataChanged.emit(self.index(0, column), self.index(last, column))


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= CELL_CHARS else flat[: CELL_CHARS - 1] + "…"


def _tip(text: str) -> str:
    return text if len(text) <= TIP_CHARS else text[: TIP_CHARS - 1] + "…"
