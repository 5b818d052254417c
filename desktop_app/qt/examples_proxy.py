"""Sorting and filtering the examples table without touching the data (a QSortFilterProxyModel).

Filters combine: free text (plain, case-insensitive, or a regular expression) searched in the
line's text, a problem filter (only errors, only warnings, any problem, a given problem code, or
no problems), a tag, and a review status. Rows are judged straight from the core stores, never
through `data()`, so filtering 100,000 rows stays fast.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Signal,
)

from desktop_app.core.dataset import Record
from desktop_app.core.problems import Severity
from desktop_app.core.review import ReviewStatus
from desktop_app.core.search import Matcher, matching_rows, narrows, text_matcher
from desktop_app.qt.examples_model import Column, ExamplesModel, Role

ModelIndex = QModelIndex | QPersistentModelIndex

PROBLEMS_ANY = "any"
PROBLEMS_ERRORS = "errors"
PROBLEMS_WARNINGS = "warnings"
PROBLEMS_NONE = "none"


class ExamplesProxy(QSortFilterProxyModel):
    """Filters and sorts the examples model; `filter_changed` fires after every change."""

    filter_changed = Signal()
    refiltering = Signal()  # a filter is about to change (the rows will be reset)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        # renumbering the # column after an insert must not re-run the filter on every row
        self.setFilterKeyColumn(Column.PREVIEW)
        self.setDynamicSortFilter(True)
        self._matcher: Matcher | None = None
        # the text filter's answers for the lines as they were when it was set (`_found_in`);
        # lines changed or added since are asked of the matcher itself
        self._found: bytearray | None = None
        self._found_in: list[Record] = []
        self._source: ExamplesModel | None = None
        self.text = ""
        self.regex = False
        self.problems = ""  # "", any, errors, warnings, none, or "code:<code>"
        self.tag = ""
        self.status: ReviewStatus | None = None

    def examples_model(self) -> ExamplesModel | None:
        return self._source

    def setSourceModel(self, model: QAbstractItemModel | None) -> None:
        # kept as a Python attribute: filterAcceptsRow runs once per row, so every call counts
        self._source = model if isinstance(model, ExamplesModel) else None
        super().setSourceModel(model)  # type: ignore[arg-type]

    # ---- setting filters -----------------------------------------------------------------
    def set_text(self, text: str, *, regex: bool = False) -> None:
        """Raises re.error when `regex` is on and the expression is not valid."""
        matcher = text_matcher(text, regex=regex)
        self._change(lambda: self._set_text(text, regex, matcher))

    def _set_text(self, text: str, regex: bool, matcher: Matcher | None) -> None:
        previous, previous_regex = self.text, self.regex
        found, previous_lines = self._found, self._found_in
        self.text, self.regex, self._matcher = text, regex, matcher
        self._found, self._found_in = None, []
        model = self._source
        if matcher is None or model is None:
            return
        records = list(model.dataset)
        within = None
        if found is not None and narrows(text, regex, previous, previous_regex):
            # (the same objects: list equality compares identity first)
            within = found if records == previous_lines else None
        self._found = matching_rows(matcher, [r.raw for r in records], within)
        self._found_in = records

    def set_problem_filter(self, value: str) -> None:
        self._change(lambda: setattr(self, "problems", value))

    def set_tag(self, tag: str) -> None:
        self._change(lambda: setattr(self, "tag", tag))

    def set_status(self, status: ReviewStatus | None) -> None:
        self._change(lambda: setattr(self, "status", status))

    def clear_filters(self) -> None:
        def clear() -> None:
            self._set_text("", False, None)
            self.problems, self.tag, self.status = "", "", None

        self._change(clear)

    @property
    def is_filtered(self) -> bool:
        return bool(self._matcher or self.problems or self.tag or self.status)

    def _change(self, apply: Callable[[], None]) -> None:
        # A reset, not begin/endFilterChange: with 100,000 rows the latter removes the hidden
        # rows range by range (tens of thousands of signals, each relayed by the view; over a
        # second), while a reset rebuilds the mapping once. A reset forgets the current and
        # selected rows, so `refiltering` lets the pane note them first (ExamplesPane).
        self.refiltering.emit()
        self.beginResetModel()
        apply()
        self.endResetModel()
        self.filter_changed.emit()

    # ---- the filter ----------------------------------------------------------------------
    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        # runs once per row (100,000 times for a big file): the common case stays inline
        model = self._source
        if model is None:
            return True
        matcher = self._matcher
        if matcher is not None:
            record = model.dataset[source_row]
            lines = self._found_in
            if source_row < len(lines) and lines[source_row] is record:
                if not self._found[source_row]:  # type: ignore[index]
                    return False
            elif not matcher(record.raw):
                return False
        if self.status is not None and model.review.get(source_row).status is not self.status:
            return False
        if self.tag and self.tag not in model.review.get(source_row).tags:
            return False
        return not self.problems or self._problems_match(model, source_row)

    def _problems_match(self, model: ExamplesModel, row: int) -> bool:
        if model.analysis.summary(row) is None:
            return False  # not checked yet: it joins the list once its check arrives
        problems = model.analysis.record_problems(row)
        wanted = self.problems
        if wanted == PROBLEMS_NONE:
            return not any(p.severity is not Severity.INFO for p in problems)
        if wanted == PROBLEMS_ANY:
            return bool(problems)
        if wanted == PROBLEMS_ERRORS:
            return any(p.severity is Severity.ERROR for p in problems)
        if wanted == PROBLEMS_WARNINGS:
            return any(p.severity is Severity.WARNING for p in problems)
        if wanted.startswith("code:"):
            code = wanted[5:]
            return any(p.code == code for p in problems)
        return True

    def lessThan(self, left: ModelIndex, right: ModelIndex) -> bool:
        a = left.data(Role.SORT)
        b = right.data(Role.SORT)
        if a == b:
            return left.row() < right.row()
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)

    def source_rows(self, proxy_indexes: list[QModelIndex]) -> list[int]:
        """Sorted unique source rows for selected proxy indexes."""
        return sorted({self.mapToSource(i).row() for i in proxy_indexes if i.isValid()})

    def proxy_row(self, source_row: int) -> int:
        """The visible row of a source row, or -1 when it is filtered out."""
        model = self.sourceModel()
        if model is None or not 0 <= source_row < model.rowCount():
            return -1
        return self.mapFromSource(model.index(source_row, 0)).row()
