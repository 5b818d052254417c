"""The examples pane: a filter bar over the examples table (multi-selection for bulk actions)."""

from __future__ import annotations

import re

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.review import ReviewStatus
from desktop_app.qt.examples_model import Column, ExamplesModel
from desktop_app.qt.examples_proxy import ExamplesProxy
from desktop_app.qt.row_filter import (
    PROBLEMS_ANY,
    PROBLEMS_ERRORS,
    PROBLEMS_NONE,
    PROBLEMS_WARNINGS,
)
from desktop_app.qt.text_search import TextSearch
from desktop_app.ui.icons import icon
from desktop_app.ui.panes.examples_table import ExamplesTable

FILTER_DELAY_MS = 150
_PROBLEM_CHOICES = (
    ("All examples", ""),
    ("With errors", PROBLEMS_ERRORS),
    ("With warnings", PROBLEMS_WARNINGS),
    ("With any problem", PROBLEMS_ANY),
    ("Without problems", PROBLEMS_NONE),
)
_COLUMN_WIDTHS = {  # fixed from a sample, never ResizeToContents (STYLE.md P6)
    Column.NUMBER: 40,
    Column.TURNS: 44,
    Column.TOKENS: 56,
    Column.PROBLEMS: 96,
    Column.STATUS: 100,
    Column.TAGS: 72,
}

# when the pane is narrow these columns fold away, in this order, so the Example column keeps
# at least MIN_PREVIEW_CHARS characters (they come back when there is room)
_FOLD_ORDER = (Column.TAGS, Column.TURNS, Column.TOKENS, Column.STATUS)
MIN_PREVIEW_CHARS = 20


class ExamplesPane(QWidget):
    """Filter bar + table; emits the record under the cursor and selection changes."""

    current_record_changed = Signal(object)  # int | None (source row)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = ExamplesProxy(self)
        self._model: ExamplesModel | None = None
        self._header_ready = False
        self.saved_header_state: QByteArray | None = None  # from the last session (ui_state)
        self._folded: list[int] = []
        self._build()
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_text_filter)
        self._kept: tuple[int | None, list[int], QByteArray | None] | None = None
        self.proxy.refiltering.connect(self._before_refilter)
        self.proxy.filter_changed.connect(self._after_refilter)
        self.proxy.filter_changed.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.searching_changed.connect(self._update_count)

    # ---- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter examples by text…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter examples by text")
        self.search.setToolTip(
            "Shows only the examples containing this text (ignoring upper and lower case)."
        )
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.textChanged.connect(self._on_text_edited)
        self.search.installEventFilter(self)  # focus: the search processes get ready

        self.regex_button = QToolButton(self)
        self.regex_button.setText(".*")
        self.regex_button.setCheckable(True)
        self.regex_button.setAccessibleName("Use a regular expression")
        self.regex_button.setToolTip(
            "Treat the filter text as a regular expression (a pattern language for searching)."
        )
        self.regex_button.toggled.connect(self.apply_text_filter)

        self.problem_combo = QComboBox(self)
        self.problem_combo.setAccessibleName("Show examples by problems")
        self.problem_combo.setToolTip("Show only the examples with errors, warnings or a problem")
        for label, value in _PROBLEM_CHOICES:
            self.problem_combo.addItem(label, value)
        self.problem_combo.currentIndexChanged.connect(self._on_problem_filter)

        self.status_combo = QComboBox(self)
        self.status_combo.setAccessibleName("Show examples by review status")
        self.status_combo.setToolTip("Show only the examples with this review status")
        self.status_combo.addItem("Any status", None)
        for status in ReviewStatus:
            self.status_combo.addItem(
                icon("review-" + status.value.replace("_", "-")), status.label, status.value
            )
        self.status_combo.currentIndexChanged.connect(self._on_status_filter)

        self.tag_combo = QComboBox(self)
        self.tag_combo.setAccessibleName("Show examples with a tag")
        self.tag_combo.setToolTip("Show only the examples with this tag")
        self.tag_combo.addItem("Any tag", "")
        self.tag_combo.currentIndexChanged.connect(self._on_tag_filter)

        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Number of examples shown")
        self.rows_button = QToolButton(self)  # "Only: Length 40–59 words ✕" (a Style bar)
        self.rows_button.setAccessibleName("Stop showing only the chosen examples")
        self.rows_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.rows_button.clicked.connect(self._on_rows_button)
        self.rows_button.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.regex_button)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.problem_combo)
        filters.addWidget(self.status_combo)
        filters.addWidget(self.tag_combo)
        filters.addWidget(self.rows_button)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.table = ExamplesTable(self)
        self.table.setObjectName("examples-table")
        self.table.setAccessibleName("Examples")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        fixed = _COLUMN_WIDTHS[Column.NUMBER] + _COLUMN_WIDTHS[Column.PROBLEMS]
        self.table.setMinimumWidth(fixed + self.preview_room() + 24)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        # the columns fit the table's visible width when it changes: the pane's own resize came
        # before its layout widened the table (a first start folded four columns for good)
        self.table.viewport().installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table.viewport()
            and isinstance(event, QResizeEvent)
            and event.size().width() != event.oldSize().width()
        ):
            self.fit_columns()
        if watched is self.search and event.type() == QEvent.Type.FocusIn:
            self.proxy.prepare_search()
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.search.text()
        ):
            self.search.clear()  # Esc empties the filter; the current example stays current
            self.apply_text_filter()
            return True
        return False

    # ---- document ------------------------------------------------------------------------
    def set_model(self, model: ExamplesModel | None, search: TextSearch | None = None) -> None:
        """Show a document's examples; `search` runs its text searches (None: at once)."""
        self._model = model
        header = self.table.horizontalHeader()
        if self._header_ready and header.count() == len(Column):
            self.saved_header_state = self.header_state()  # a model reset forgets the layout
        self.proxy.set_search(search)
        self.proxy.setSourceModel(model)
        if model is not None:
            self._configure_header()
        if model is not None:
            model.review.tags_changed.connect(self.refresh_tags)
            model.analysis.dataset_problems_changed.connect(self.refresh_problem_codes)
        self.refresh_tags()
        self.refresh_problem_codes()
        self._update_count()

    def _configure_header(self) -> None:
        """Column widths and order, once the columns exist (a header without a model has none)."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.PREVIEW, QHeaderView.ResizeMode.Stretch)
        for column, width in _COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.moveSection(header.visualIndex(Column.NUMBER), 0)  # "#" shown first
        if self.saved_header_state is not None:
            header.restoreState(self.saved_header_state)
        self._header_ready = True
        self._folded = []
        self.fit_columns()

    def preview_room(self) -> int:
        """Pixels the Example column needs for MIN_PREVIEW_CHARS characters."""
        return self.table.fontMetrics().horizontalAdvance("x" * MIN_PREVIEW_CHARS) + 16

    def fit_columns(self) -> None:
        """Fold the least needed columns while the Example column would be too narrow."""
        header = self.table.horizontalHeader()
        if not self._header_ready or header.count() != len(Column):
            return
        for column in self._folded:
            header.showSection(column)
        self._folded = []
        width = self.table.viewport().width()

        def others() -> int:
            return sum(
                header.sectionSize(c)
                for c in range(header.count())
                if c != Column.PREVIEW and not header.isSectionHidden(c)
            )

        for column in _FOLD_ORDER:
            if width - others() >= self.preview_room():
                break
            if not header.isSectionHidden(column):
                header.hideSection(column)
                self._folded.append(column)

    def header_state(self) -> QByteArray:
        """The columns' layout to remember, without the columns folded for lack of room."""
        header = self.table.horizontalHeader()
        for column in self._folded:
            header.showSection(column)
        state = header.saveState()
        for column in self._folded:
            header.hideSection(column)
        return state

    @Slot()
    def refresh_tags(self) -> None:
        current = self.tag_combo.currentData() or ""
        tags = self._model.review.all_tags() if self._model is not None else []
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("Any tag", "")
        for tag in tags:
            self.tag_combo.addItem(icon("tag"), tag, tag)
        found = self.tag_combo.findData(current)
        self.tag_combo.setCurrentIndex(max(found, 0))
        self.tag_combo.blockSignals(False)
        if current and found < 0:
            self.proxy.set_tag("")

    @Slot()
    def refresh_problem_codes(self) -> None:
        """Offer "Only: <code>" entries for the problem codes present."""
        current = self.problem_combo.currentData() or ""
        codes = self._model.analysis.problem_codes if self._model is not None else []
        self.problem_combo.blockSignals(True)
        self.problem_combo.clear()
        for label, value in _PROBLEM_CHOICES:
            self.problem_combo.addItem(label, value)
        for code in codes:
            self.problem_combo.addItem(f"Only: {code.replace('_', ' ')}", f"code:{code}")
        found = self.problem_combo.findData(current)
        self.problem_combo.setCurrentIndex(max(found, 0))
        self.problem_combo.blockSignals(False)

    # ---- filters -------------------------------------------------------------------------
    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self._filter_timer.start()

    @Slot()
    def apply_text_filter(self) -> None:
        self._filter_timer.stop()
        text = self.search.text()
        try:
            self.proxy.set_text(text, regex=self.regex_button.isChecked())
        except re.error as exc:
            self.search.setStyleSheet("QLineEdit { border: 1px solid #d93a3a; }")
            self.search.setToolTip(f"This pattern cannot be used: {exc}. Fix it or turn off .*")
            return
        self.search.setStyleSheet("")
        self.search.setToolTip(
            "Shows only the examples containing this text (ignoring upper and lower case)."
        )

    @Slot(int)
    def _on_problem_filter(self, _index: int) -> None:
        self.proxy.set_problem_filter(self.problem_combo.currentData() or "")

    @Slot(int)
    def _on_status_filter(self, _index: int) -> None:
        value = self.status_combo.currentData()
        self.proxy.set_status(ReviewStatus(value) if value else None)

    @Slot(int)
    def _on_tag_filter(self, _index: int) -> None:
        self.proxy.set_tag(self.tag_combo.currentData() or "")

    def set_problem_filter(self, value: str) -> None:
        found = self.problem_combo.findData(value)
        if found >= 0:
            self.problem_combo.setCurrentIndex(found)

    @Slot()
    def _on_rows_button(self) -> None:
        self.show_rows(None)

    def show_rows(self, rows: list[int] | None, label: str = "") -> None:
        """Show only these examples (source rows), e.g. a bar of the Style charts; None: all."""
        self.rows_button.setText(f"Only: {label}  ✕" if rows is not None else "")
        self.rows_button.setToolTip("Click to show all examples again")
        self.rows_button.setVisible(rows is not None)
        self.proxy.set_rows(frozenset(rows) if rows is not None else None)

    def clear_filters(self) -> None:
        self.rows_button.hide()
        for combo in (self.problem_combo, self.status_combo, self.tag_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.proxy.clear_filters()

    def focus_filter(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot()
    def _update_count(self) -> None:
        total = self._model.rowCount() if self._model is not None else 0
        shown = self.proxy.rowCount()
        if self.proxy.searching:
            self.count_label.setText(f"Searching {total:,} examples…")
        elif shown == total:
            self.count_label.setText(f"{total:,} example{'s' if total != 1 else ''}")
        else:
            self.count_label.setText(f"Showing {shown:,} of {total:,}")

    # ---- selection -----------------------------------------------------------------------
    def current_record(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.proxy.mapToSource(index).row()

    def selected_records(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.source_rows(rows)

    def select_record(self, source_row: int) -> bool:
        """Make a record current and selected (clears filters hiding it); False if it is gone."""
        row = self.proxy.proxy_row(source_row)
        if row < 0 and self._model is not None and 0 <= source_row < self._model.rowCount():
            self.clear_filters()
            row = self.proxy.proxy_row(source_row)
        if row < 0:
            return False
        index = self.proxy.index(row, Column.PREVIEW)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def select_records(self, source_rows: list[int]) -> None:
        """Select several records (the first becomes current), e.g. what an undo brought back."""
        if not source_rows or not self.select_record(source_rows[0]):
            return
        self._reselect(source_rows, source_rows[0])
        self.selection_changed.emit()

    def move_current(self, delta: int) -> None:
        """Next (+1) or previous (-1) visible example."""
        count = self.proxy.rowCount()
        if count == 0:
            return
        current = self.table.currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else count - 1)
        row = max(0, min(count - 1, row))
        index = self.proxy.index(row, Column.PREVIEW)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._kept is not None:
            return  # a filter change; _after_refilter tells what is current afterwards
        self.current_record_changed.emit(
            self.proxy.mapToSource(current).row() if current.isValid() else None
        )

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._kept is None:
            self.selection_changed.emit()

    # ---- keeping the current example across a filter change -------------------------------
    @Slot()
    def _before_refilter(self) -> None:
        """The proxy resets its rows for a new filter: note what was current and selected (and
        the columns' layout, which a reset forgets)."""
        header = self.table.horizontalHeader()
        layout = header.saveState() if self._header_ready and header.count() else None
        self._kept = (self.current_record(), self.selected_records(), layout)

    @Slot()
    def _after_refilter(self) -> None:
        if self._kept is None:
            return
        current, selected, layout = self._kept
        if layout is not None:
            self.table.horizontalHeader().restoreState(layout)
        self._reselect(selected, current)
        self._kept = None
        now = self.current_record()
        if now != current:
            self.current_record_changed.emit(now)
        self.selection_changed.emit()

    def _reselect(self, source_rows: list[int], current: int | None) -> None:
        """Select the rows that are still shown (as ranges) and make `current` current again."""
        model = self.table.selectionModel()
        visible = sorted(r for r in (self.proxy.proxy_row(s) for s in source_rows) if r >= 0)
        selection = QItemSelection()
        last_column = self.proxy.columnCount() - 1
        start = previous = None
        for row in [*visible, None]:
            if row is not None and previous is not None and row == previous + 1:
                previous = row
                continue
            if start is not None and previous is not None:
                selection.select(
                    self.proxy.index(start, 0), self.proxy.index(previous, last_column)
                )
            start = previous = row
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        row = self.proxy.proxy_row(current) if current is not None else -1
        if row >= 0:
            index = self.proxy.index(row, Column.PREVIEW)
            model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def standard_select_all(self) -> QKeySequence:
        return QKeySequence(QKeySequence.StandardKey.SelectAll)
