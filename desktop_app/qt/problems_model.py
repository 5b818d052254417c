"""The problems list: every check result, dataset-wide ones first, then by line.

The list is rebuilt from the analysis store a moment after results change (debounced), which
costs a few milliseconds even for large files; rows carry the record's current position.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QIcon

from desktop_app.core.problems import Problem, Severity
from desktop_app.qt.analysis_store import AnalysisStore

ModelIndex = QModelIndex | QPersistentModelIndex
REBUILD_DELAY_MS = 150
BUSY_REBUILD_DELAY_MS = 1000  # while a big file is being checked


class ProblemColumn(IntEnum):
    SEVERITY = 0
    LINE = 1
    MESSAGE = 2


class ProblemRole(IntEnum):
    PROBLEM = Qt.ItemDataRole.UserRole + 1
    RECORD_INDEX = Qt.ItemDataRole.UserRole + 2  # int, or -1 for the whole dataset
    MESSAGE_INDEX = Qt.ItemDataRole.UserRole + 3  # int, or -1
    SEVERITY = Qt.ItemDataRole.UserRole + 4
    CODE = Qt.ItemDataRole.UserRole + 5
    HAS_FIX = Qt.ItemDataRole.UserRole + 6


_HEADERS = {
    ProblemColumn.SEVERITY: "",
    ProblemColumn.LINE: "Example",
    ProblemColumn.MESSAGE: "Problem",
}
_SEVERITY_LABEL = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Note"}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class ProblemsModel(QAbstractTableModel):
    """Rows of (record index or None, Problem)."""

    rebuilt = Signal()

    def __init__(
        self,
        analysis: AnalysisStore,
        icons: dict[str, QIcon] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.analysis = analysis
        self.icons = icons or {}
        self._rows: list[tuple[int | None, Problem]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REBUILD_DELAY_MS)
        self._timer.timeout.connect(self.rebuild)
        analysis.summaries_changed.connect(self._schedule)
        analysis.dataset_problems_changed.connect(self._schedule)
        analysis.counts_changed.connect(self._schedule)
        dataset = analysis.dataset
        dataset.inserted.connect(self._on_structure)
        dataset.removed.connect(self._on_structure)
        self.rebuild()

    def detach(self) -> None:
        self._timer.stop()
        self.analysis.dataset.inserted.disconnect(self._on_structure)
        self.analysis.dataset.removed.disconnect(self._on_structure)

    def _on_structure(self, start: int, count: int) -> None:
        self._schedule()

    @Slot()
    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start(BUSY_REBUILD_DELAY_MS if self.analysis.checking else REBUILD_DELAY_MS)

    @Slot()
    def rebuild(self) -> None:
        rows = list(self.analysis.problems())
        rows.sort(key=_order)
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        self.rebuilt.emit()

    def problem(self, row: int) -> tuple[int | None, Problem] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def find(self, record_index: int, after: bool = True) -> int:
        """The first row at/after (or last row before) `record_index`; -1 when there is none."""
        rows = [i for i, (index, _) in enumerate(self._rows) if index is not None]
        if after:
            return next((i for i in rows if self._rows[i][0] >= record_index), -1)  # type: ignore[operator]
        before = [i for i in rows if self._rows[i][0] < record_index]  # type: ignore[operator]
        return before[-1] if before else -1

    # ---- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ProblemColumn)

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
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(ProblemColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[ProblemColumn(section)]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record_index, problem = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ProblemColumn.LINE:
                return "All" if record_index is None else str(record_index + 1)
            if column == ProblemColumn.MESSAGE:
                return problem.message
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == ProblemColumn.SEVERITY:
            return self.icons.get(f"severity-{problem.severity.value}")
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(problem)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            where = "whole dataset" if record_index is None else f"example {record_index + 1}"
            return f"{_SEVERITY_LABEL[problem.severity]}, {where}: {problem.message}"
        if role == ProblemRole.PROBLEM:
            return problem
        if role == ProblemRole.RECORD_INDEX:
            return -1 if record_index is None else record_index
        if role == ProblemRole.MESSAGE_INDEX:
            return -1 if problem.message_index is None else problem.message_index
        if role == ProblemRole.SEVERITY:
            return problem.severity.value
        if role == ProblemRole.CODE:
            return problem.code
        if role == ProblemRole.HAS_FIX:
            return problem.fix is not None
        return None


def _order(row: tuple[int | None, Problem]) -> tuple[int, int, int]:
    index, problem = row
    return (
        -1 if index is None else index,
        _SEVERITY_RANK[problem.severity],
        problem.message_index or 0,
    )


def _tooltip(problem: Problem) -> str:
    text = f"{_SEVERITY_LABEL[problem.severity]}: {problem.message}"
    if problem.hint:
        text += f"\n\n{problem.hint}"
    if problem.fix is not None:
        text += f"\n\nQuick fix available: {problem.fix.label}"
    return text
