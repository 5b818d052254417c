"""The problems pane: every check result in plain words, with a quick fix where the core has one.

Clicking (or pressing Enter on) a problem selects its example and message; the fix button
applies the core's fix through an undo command, so it can be undone like any edit.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.problems import Problem
from desktop_app.qt.problems_model import ProblemColumn, ProblemsModel
from desktop_app.ui.dialogs.help_pages import explain
from desktop_app.ui.icons import icon


class ProblemsPane(QWidget):
    """A table of problems plus the selected problem's explanation and fix button."""

    problem_activated = Signal(int, int)  # record index (-1: whole dataset), message index (-1)
    fix_requested = Signal(int, object)  # record index, Problem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: ProblemsModel | None = None
        self.summary = QLabel("No dataset open.", self)
        self.summary.setAccessibleName("Problem counts")

        self.table = QTableView(self)
        self.table.setObjectName("problems-table")
        self.table.setAccessibleName("Problems")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.clicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)

        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Selected problem explained")
        self.detail.setMinimumHeight(self.fontMetrics().height() * 3)
        self.fix_button = QPushButton(icon("fix"), "Fix", self)
        self.fix_button.setAccessibleName("Apply the quick fix")
        self.fix_button.setVisible(False)
        self.fix_button.clicked.connect(self._on_fix_clicked)

        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.detail, 1)
        bottom.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        explain(
            self.table,
            "Each problem names the example it is in: example 12 is the 12th in your file.",
            "example",
        )

    def set_model(self, model: ProblemsModel | None) -> None:
        self.model = model
        self.table.setModel(model)
        if model is None:
            self.summary.setText("No dataset open.")
            return
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ProblemColumn.SEVERITY, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ProblemColumn.SEVERITY, 28)
        header.setSectionResizeMode(ProblemColumn.LINE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(
            ProblemColumn.LINE, max(52, self.fontMetrics().horizontalAdvance("Example") + 18)
        )
        header.setSectionResizeMode(ProblemColumn.MESSAGE, QHeaderView.ResizeMode.Stretch)
        model.rebuilt.connect(self._update_summary)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self._update_summary()

    @Slot()
    def _update_summary(self) -> None:
        if self.model is None:
            return
        analysis = self.model.analysis
        errors, warnings = analysis.error_count, analysis.warning_count
        checking = " (checking…)" if analysis.checking else ""
        if errors == 0 and warnings == 0 and not analysis.checking:
            self.summary.setText("No problems found. ✓")
        else:
            self.summary.setText(
                f"{errors:,} error{'s' if errors != 1 else ''}, "
                f"{warnings:,} warning{'s' if warnings != 1 else ''}{checking}"
            )
        self._show_detail(self.table.currentIndex())

    def current_problem(self) -> tuple[int | None, Problem] | None:
        index = self.table.currentIndex()
        if self.model is None or not index.isValid():
            return None
        return self.model.problem(index.row())

    def select_row(self, row: int) -> None:
        if self.model is None or not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, ProblemColumn.MESSAGE)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self._on_activated(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(current)

    def _show_detail(self, index: QModelIndex) -> None:
        found = self.model.problem(index.row()) if self.model and index.isValid() else None
        if found is None:
            self.detail.setText("")
            self.fix_button.setVisible(False)
            return
        _, problem = found
        text = f"<b>{_escape(problem.message)}</b>"
        if problem.hint:
            text += f"<br>{_escape(problem.hint)}"
        self.detail.setText(text)
        if problem.fix is not None:
            self.fix_button.setText(problem.fix.label)
            self.fix_button.setToolTip(f"{problem.fix.label} (you can undo this)")
            self.fix_button.setVisible(True)
        else:
            self.fix_button.setVisible(False)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        if self.model is None or not index.isValid():
            return
        found = self.model.problem(index.row())
        if found is None:
            return
        record, problem = found
        self.problem_activated.emit(
            -1 if record is None else record,
            -1 if problem.message_index is None else problem.message_index,
        )

    @Slot()
    def _on_fix_clicked(self) -> None:
        found = self.current_problem()
        if found is None or found[0] is None:
            return
        self.fix_requested.emit(found[0], found[1])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
