"""The examples table: a thin adapter over the core Dataset, its check results and review notes.

Nothing is copied into the model: `data()` asks the dataset, the analysis store and the review
store for the one cell being painted. Until a record is checked, its preview is computed from the
raw line on demand (by the check's own rule: core/dataset/preview.py) and cached by record identity.
Dataset events become begin/end calls, so batches of inserted rows arrive as one insert and a
single edit repaints a single row.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from desktop_app.core.dataset.preview import line_preview
from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.review import ReviewStatus, ReviewStore
from desktop_app.core.problems import Severity
from desktop_app.qt.analysis_store import AnalysisStore

if TYPE_CHECKING:
    from desktop_app.core.analysis.analyzer import RecordSummary

ModelIndex = QModelIndex | QPersistentModelIndex
_CACHE_LIMIT = 4096


class Column(IntEnum):
    # the preview is column 0 (stable data for a row); the view shows # first (moveSection)
    PREVIEW = 0
    NUMBER = 1
    TURNS = 2
    TOKENS = 3
    PROBLEMS = 4
    STATUS = 5
    TAGS = 6


HEADERS = {
    Column.PREVIEW: "Example",
    Column.NUMBER: "#",
    Column.TURNS: "Turns",
    Column.TOKENS: "Tokens",
    Column.PROBLEMS: "Problems",
    Column.STATUS: "Review",
    Column.TAGS: "Tags",
}
HEADER_TIPS = {
    Column.PREVIEW: "The start of the first user message of each example",
    Column.NUMBER: "The line number in the file",
    Column.TURNS: "How many messages the example has",
    Column.TOKENS: "How many tokens the example counts for the chosen model",
    Column.PROBLEMS: "Errors and warnings found by the checks",
    Column.STATUS: "Your review status: draft, needs work or approved",
    Column.TAGS: "Your tags (kept beside the file, never in training data)",
}


class Role(IntEnum):
    RECORD_INDEX = Qt.ItemDataRole.UserRole + 1
    SORT = Qt.ItemDataRole.UserRole + 2
    SEVERITY = Qt.ItemDataRole.UserRole + 3  # worst severity: "error"/"warning"/"info"/"" (none)
    ERROR_COUNT = Qt.ItemDataRole.UserRole + 4
    WARNING_COUNT = Qt.ItemDataRole.UserRole + 5
    REVIEW_STATUS = Qt.ItemDataRole.UserRole + 6  # ReviewStatus value
    TAGS = Qt.ItemDataRole.UserRole + 7  # tuple[str, ...]
    PREVIEW = Qt.ItemDataRole.UserRole + 8
    CHECKED = Qt.ItemDataRole.UserRole + 9  # bool


# Plain ints and constants for the hot path: the view asks data() ~1,400 times per repaint of the
# table (seven roles per cell), and every enum lookup there costs time the window feels.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_USER = int(Qt.ItemDataRole.UserRole)
SERVED_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, _ACCESSIBLE})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC = frozenset({Column.NUMBER, Column.TURNS, Column.TOKENS})
_COLUMNS = len(Column)
ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)

_NUMBER_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Role.RECORD_INDEX,
    Role.SORT,
]
_STATUS_ORDER = {ReviewStatus.DRAFT: 0, ReviewStatus.NEEDS_WORK: 1, ReviewStatus.APPROVED: 2}
_SUMMARY_COLUMNS = (Column.PREVIEW, Column.TURNS, Column.TOKENS, Column.PROBLEMS)


class ExamplesModel(QAbstractTableModel):
    """Rows are the dataset's records, in file order."""

    def __init__(
        self,
        dataset: Dataset,
        analysis: AnalysisStore,
        review: ReviewStore,
        icons: dict[str, QIcon] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.dataset = dataset
        self.analysis = analysis
        self.review = review
        self.icons = icons or {}
        self._previews: dict[int, tuple[Record, str]] = {}
        self._moving = False  # between begin*Rows and end*Rows
        self._held: tuple[int, int] | None = None  # rows changed meanwhile, reported after
        dataset.inserting.connect(self._on_inserting)
        dataset.inserted.connect(self._on_inserted)
        dataset.removing.connect(self._on_removing)
        dataset.removed.connect(self._on_removed)
        dataset.changed.connect(self._on_changed)
        dataset.reset.connect(self._on_reset)
        review.changed.connect(self._on_review_changed)
        analysis.summaries_changed.connect(self._on_summaries_changed)

    def detach(self) -> None:
        dataset = self.dataset
        for event, callback in (
            (dataset.inserting, self._on_inserting),
            (dataset.inserted, self._on_inserted),
            (dataset.removing, self._on_removing),
            (dataset.removed, self._on_removed),
            (dataset.changed, self._on_changed),
        ):
            event.disconnect(callback)
        dataset.reset.disconnect(self._on_reset)
        self.review.changed.disconnect(self._on_review_changed)
        self.analysis.summaries_changed.disconnect(self._on_summaries_changed)

    # ---- Qt model API --------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.dataset)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def index(
        self,
        row: int,
        column: int,
        parent: ModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        # one call instead of Qt's three (hasIndex asks rowCount and columnCount): the filter
        # proxy asks for an index for every cell it maps
        if parent.isValid() or not (0 <= row < len(self.dataset) and 0 <= column < _COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[Column(section)]
        return None

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        return self.cell(index.row(), index.column(), role)  # (row -1: an invalid index)

    def cell(self, row: int, column: int, role: int) -> Any:
        """What `data()` answers for a row and column (the filter proxy asks here directly)."""
        if role < _USER and role not in SERVED_ROLES:
            return None  # (most of the roles a view asks for: fonts, colours, check states)
        if not 0 <= row < len(self.dataset):
            return None
        if role == _DISPLAY:
            return self._display(row, column)
        if role == _DECORATION:
            return self._decoration(row, column)
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMERIC else None
        if role == _ACCESSIBLE:
            return self._accessible(row, column)
        return self._custom(row, column, role)

    # ---- cells ---------------------------------------------------------------------------
    def preview(self, row: int) -> str:
        """The row's text: the check's, or the same rule applied to the line as it is now (before
        its check, or while an edit is checked again)."""
        summary = self.analysis.results.current(row)
        if summary is not None:
            return summary.preview
        record = self.dataset[row]
        cached = self._previews.get(id(record))
        if cached is not None and cached[0] is record:
            return cached[1]
        text = line_preview(record.parse(), record.raw)
        if len(self._previews) >= _CACHE_LIMIT:
            self._previews.clear()
        self._previews[id(record)] = (record, text)
        return text

    def _display(self, row: int, column: int) -> Any:
        if column == Column.NUMBER:
            return str(row + 1)
        if column == Column.PREVIEW:
            return self.preview(row)
        if column == Column.STATUS:
            return self.review.get(row).status.label
        if column == Column.TAGS:
            return ", ".join(self.review.get(row).tags)
        summary = self.analysis.summary(row)
        if summary is None:
            return "…" if column != Column.PROBLEMS else ""
        if column == Column.TURNS:
            return str(summary.turns) if summary.turns else ""
        if column == Column.TOKENS:
            return f"{summary.tokens:,}" if summary.tokens is not None else ""
        if column == Column.PROBLEMS:
            return _problem_text(*self._counts(row))
        return None

    def _decoration(self, row: int, column: int) -> Any:
        if column == Column.PROBLEMS:
            severity = self._worst(row)
            return self.icons.get(f"severity-{severity}") if severity else None
        if column == Column.STATUS:
            status = self.review.get(row).status
            return self.icons.get("review-" + status.value.replace("_", "-"))
        return None

    def _tooltip(self, row: int, column: int) -> Any:
        if column == Column.PROBLEMS:
            problems = self.analysis.record_problems(row)
            if not problems:
                return None
            lines = [f"• {p.message}" for p in problems[:12]]
            if len(problems) > 12:
                lines.append(f"… and {len(problems) - 12} more")
            return "\n".join(lines)
        if column == Column.PREVIEW:
            note = self.review.get(row).note
            return self.preview(row) + (f"\n\nNote: {note}" if note else "")
        return None

    def _accessible(self, row: int, column: int) -> str:
        value = self._display(row, column)
        if column == Column.PROBLEMS and not value:
            return "no problems" if self.analysis.summary(row) is not None else "not checked yet"
        return f"{HEADERS[Column(column)]}: {value}"

    def _custom(self, row: int, column: int, role: int) -> Any:
        if role == Role.RECORD_INDEX:
            return row
        if role == Role.SORT:
            return self._sort_key(row, column)
        if role == Role.SEVERITY:
            return self._worst(row)
        if role == Role.ERROR_COUNT:
            return self._counts(row)[0]
        if role == Role.WARNING_COUNT:
            return self._counts(row)[1]
        if role == Role.REVIEW_STATUS:
            return self.review.get(row).status.value
        if role == Role.TAGS:
            return list(self.review.get(row).tags)
        if role == Role.PREVIEW:
            return self.preview(row)
        if role == Role.CHECKED:
            return self.analysis.summary(row) is not None
        return None

    def sort_keys(self, rows: Sequence[int], column: int) -> list[Any]:
        """The sort key of each row for a column (one type per column, so they compare)."""
        if column == Column.NUMBER:
            return list(rows)
        summary = self.analysis.summary
        if column == Column.TOKENS:
            return [_tokens_key(summary(r)) for r in rows]
        if column == Column.TURNS:
            return [s.turns if (s := summary(r)) is not None else -1 for r in rows]
        return [self._sort_key(r, column) for r in rows]

    def _sort_key(self, row: int, column: int) -> Any:
        summary = self.analysis.summary(row)
        if column == Column.NUMBER:
            return row
        if column == Column.PREVIEW:
            return summary.preview.casefold() if summary is not None else ""
        if column == Column.TURNS:
            return summary.turns if summary is not None else -1
        if column == Column.TOKENS:
            return summary.tokens if summary is not None and summary.tokens is not None else -1
        if column == Column.PROBLEMS:
            errors, warnings = self._counts(row)
            return errors * 1_000_000 + warnings
        if column == Column.STATUS:
            return _STATUS_ORDER[self.review.get(row).status]
        if column == Column.TAGS:
            return ", ".join(self.review.get(row).tags).casefold()
        return None

    def _counts(self, row: int) -> tuple[int, int]:
        errors = warnings = 0
        for problem in self.analysis.record_problems(row):
            if problem.severity is Severity.ERROR:
                errors += 1
            elif problem.severity is Severity.WARNING:
                warnings += 1
        return errors, warnings

    def _worst(self, row: int) -> str:
        problems = self.analysis.record_problems(row)
        if not problems:
            return ""
        severities = {p.severity for p in problems}
        for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
            if severity in severities:
                return severity.value
        return ""

    # ---- following the stores ------------------------------------------------------------
    # The stores follow the dataset too, and may report changes while rows are being inserted
    # or removed (the analysis store forgets a bulk edit's results). Qt allows no dataChanged
    # between begin*Rows and end*Rows, so those wait until the rows are in (or out).
    def _on_inserting(self, start: int, count: int) -> None:
        self._moving = True
        self.beginInsertRows(QModelIndex(), start, start + count - 1)

    def _on_inserted(self, start: int, count: int) -> None:
        self.endInsertRows()
        self._moving = False
        self._renumber(start + count)
        self._report_held()

    def _on_removing(self, start: int, count: int) -> None:
        self._moving = True
        self.beginRemoveRows(QModelIndex(), start, start + count - 1)

    def _on_removed(self, start: int, count: int) -> None:
        self.endRemoveRows()
        self._moving = False
        self._renumber(start)
        self._report_held()

    def _renumber(self, first: int) -> None:
        """Lines after an insert or removal have new numbers: one signal for the # column."""
        last = len(self.dataset) - 1
        if first <= last:
            self.dataChanged.emit(
                self.index(first, Column.NUMBER), self.index(last, Column.NUMBER), _NUMBER_ROLES
            )

    def _on_changed(self, first: int, last: int) -> None:
        self._report(first, last, 0, len(Column) - 1)

    def _on_reset(self) -> None:
        self.beginResetModel()
        self._previews.clear()
        self._held = None
        self.endResetModel()

    def _on_review_changed(self, first: int, last: int) -> None:
        self._report(first, last, Column.STATUS, Column.TAGS)

    def _on_summaries_changed(self, first: int, last: int) -> None:
        self._report(first, last, 0, Column.PROBLEMS)

    def _report(self, first: int, last: int, left: int, right: int) -> None:
        if self._moving:
            held = self._held
            self._held = (
                (first, last) if held is None else (min(held[0], first), max(held[1], last))
            )
            return
        last = min(last, len(self.dataset) - 1)
        if first <= last:
            self.dataChanged.emit(self.index(first, left), self.index(last, right))

    def _report_held(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            self._report(*held, 0, len(Column) - 1)


def _tokens_key(summary: RecordSummary | None) -> int:
    return summary.tokens if summary is not None and summary.tokens is not None else -1


def _problem_text(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)
