"""The problems list: every check result, dataset-wide ones first, then by line.

The list is rebuilt from the analysis store a moment after results change (debounced), which
costs a few milliseconds even for large files; rows carry the record's current position.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NamedTuple

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

from desktop_app.core.dataset.review import ReviewStore, intended_key
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
    INTENDED = Qt.ItemDataRole.UserRole + 7  # the writer set this warning aside


_HEADERS = {
    ProblemColumn.SEVERITY: "",
    ProblemColumn.LINE: "Example",
    ProblemColumn.MESSAGE: "Problem",
}
_SEVERITY_LABEL = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Note"}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def is_intended(review: ReviewStore | None, record: int | None, problem: Problem) -> bool:
    """True when the writer marked this warning "This is intended" (errors never are)."""
    if review is None or problem.severity is Severity.ERROR:
        return False
    if record is None:  # a file-wide warning
        return intended_key(problem.code, problem.message_index) in review.dataset_intended
    if not 0 <= record < len(review):
        return False
    return review.get(record).is_intended(problem.code, problem.message_index)


def set_aside_counts(analysis: AnalysisStore, review: ReviewStore | None) -> Counts:
    """Errors, warnings still counted, and warnings set aside: the numbers every pane shows."""
    aside = 0
    if review is not None and review.dataset_intended:
        aside += sum(
            p.severity is Severity.WARNING and is_intended(review, None, p)
            for p in analysis.dataset_problems()
            if p.line is None
        )
    if review is not None:
        for index in range(len(review)):
            entry = review.get(index)
            if entry.intended:
                aside += sum(
                    p.severity is Severity.WARNING and is_intended(review, index, p)
                    for p in analysis.record_problems(index)
                )
    return Counts(analysis.error_count, analysis.warning_count - aside, aside)


class Counts(NamedTuple):
    errors: int
    warnings: int  # still counted
    set_aside: int  # warnings the writer marked "This is intended"

    def text(self) -> str:
        out = f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')}"
        return out + (f" ({self.set_aside:,} set aside)" if self.set_aside else "")


def _plural(number: int, word: str) -> str:
    return f"{number:,} {word}{'s' if number != 1 else ''}"


class ProblemsModel(QAbstractTableModel):
    """Rows of (record index or None, Problem); warnings the writer set aside come last."""

    rebuilt = Signal()

    def __init__(
        self,
        analysis: AnalysisStore,
        icons: dict[str, QIcon] | None = None,
        parent: QObject | None = None,
        review: ReviewStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.analysis = analysis
        self.review = review
        self.icons = icons or {}
        self._rows: list[tuple[int | None, Problem]] = []
        self._intended: list[bool] = []
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
        if review is not None:
            review.changed.connect(self._on_structure)
            review.dataset_changed.connect(self._schedule)
        self.rebuild()

    def detach(self) -> None:
        self._timer.stop()
        if self.review is not None:
            self.review.changed.disconnect(self._on_structure)
            self.review.dataset_changed.disconnect(self._schedule)
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
        aside = {id(p) for i, p in rows if is_intended(self.review, i, p)}
        rows.sort(key=lambda row: (id(row[1]) in aside, *_order(row)))
        self.beginResetModel()
        self._rows = rows
        self._intended = [id(p) in aside for _, p in rows]
        self.endResetModel()
        self.rebuilt.emit()

    def problem(self, row: int) -> tuple[int | None, Problem] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def intended(self, row: int) -> bool:
        return 0 <= row < len(self._intended) and self._intended[row]

    def counted(self, code: str) -> list[tuple[int | None, Problem]]:
        """The rows of one check that are counted (none the writer set aside)."""
        return [r for i, r in enumerate(self._rows) if r[1].code == code and not self.intended(i)]

    def counts(self) -> Counts:
        return set_aside_counts(self.analysis, self.review)

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
        aside = self._intended[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == ProblemColumn.LINE:
                return "All" if record_index is None else str(record_index + 1)
            if column == ProblemColumn.MESSAGE:
                return f"Set aside (intended): {problem.message}" if aside else problem.message
            return None
        if role == Qt.ItemDataRole.FontRole and aside:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setItalic(True)
            return font
        if role == ProblemRole.INTENDED:
            return aside
        if role == Qt.ItemDataRole.DecorationRole and column == ProblemColumn.SEVERITY:
            return self.icons.get(f"severity-{problem.severity.value}")
        if role == Qt.ItemDataRole.ToolTipRole:
            note = "\n\nYou marked this as intended; it is not counted." if aside else ""
            return _tooltip(problem) + note
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
