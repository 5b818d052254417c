"""The problems pane: every check result in plain words, with a quick fix where the core has one.

Clicking (or pressing Enter on) a problem selects its example and message; the fix button
applies the core's fix through an undo command, so it can be undone like any edit. Its arrow
offers the second choices (`fixes.offered_fixes`: never one that brings a new error). A warning
can be set aside ("This is intended"): it stays listed, last and in italics, and is counted apart.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.checks import fixes
from desktop_app.core.problems import Fix, Problem, Severity
from desktop_app.qt.problems_model import ProblemColumn, ProblemsModel
from desktop_app.ui.dialogs.help_pages import explain
from desktop_app.ui.icons import icon


class ProblemsPane(QWidget):
    """A table of problems plus the selected problem's explanation and fix button."""

    problem_activated = Signal(int, int)  # record index (-1: whole dataset), message index (-1)
    fix_requested = Signal(int, object, object)  # record index, Problem, Fix
    fix_all_requested = Signal(object, object)  # [(record index, Problem)], Fix
    intended_requested = Signal(int, object, bool)  # record index, Problem, set aside or not

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
        # The explanation's area is as tall as its text, from three lines to two fifths of the
        # pane (see _fit_detail); a longer one scrolls there rather than being cut off.
        self.detail_area = QScrollArea(self)
        self.detail_area.setObjectName("problem-detail-area")
        self.detail_area.setWidgetResizable(True)
        self.detail_area.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_area.setWidget(self.detail)
        self._fit_detail()
        self.fix_button = _ElidingToolButton(self)
        self.fix_button.setIcon(icon("fix"))
        self.fix_button.setText("Fix")
        self.fix_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fix_button.setAccessibleName("Apply the quick fix")
        self.fix_button.setVisible(False)
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self.fix_menu = QMenu(self.fix_button)
        self.fix_menu.setObjectName("other-fixes")
        self.offered: list[Fix] = []
        self.alike: list[tuple[int, Problem]] = []  # the problems the first fix mends alike
        self.fix_all_button = QPushButton(self)
        self.fix_all_button.setObjectName("fix-all-button")
        self.fix_all_button.setVisible(False)
        self.fix_all_button.clicked.connect(self._on_fix_all_clicked)
        self.intended_button = QPushButton(self)
        self.intended_button.setObjectName("intended-button")
        self.intended_button.setVisible(False)
        self.intended_button.clicked.connect(self._on_intended_clicked)

        # the buttons sit under the explanation and elide their labels (the tooltip has the
        # whole label), so a long fix label never widens the pane, nor the window
        self.fix_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        bottom = QVBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.detail_area)
        bottom.addWidget(self.fix_button)
        bottom.addWidget(self.fix_all_button, 0, Qt.AlignmentFlag.AlignLeft)
        bottom.addWidget(self.intended_button, 0, Qt.AlignmentFlag.AlignLeft)
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

    def _fit_detail(self) -> None:
        lines = self.fontMetrics().lineSpacing()
        width = self.detail_area.viewport().width()
        needed = self.detail.heightForWidth(width) if self.detail.text() and width > 0 else 0
        most = max(lines * 3, self.height() * 2 // 5)
        height = max(lines * 3, min(needed, most)) + 4
        if height != self.detail_area.maximumHeight():  # (a fixed height is its maximum too)
            self.detail_area.setFixedHeight(height)
            # the list gets shorter: its chosen row stays in view once it is laid out again
            QTimer.singleShot(0, self, self._keep_current_in_view)

    def _keep_current_in_view(self) -> None:
        self.table.scrollTo(self.table.currentIndex())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_detail()  # narrower: more lines

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
        model.modelAboutToBeReset.connect(self._remember_current)
        model.modelReset.connect(self._restore_current)
        model.rebuilt.connect(self._update_summary)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self._update_summary()

    @Slot()
    def _update_summary(self) -> None:
        if self.model is None:
            return
        analysis = self.model.analysis
        counts = self.model.counts()
        checking = " (checking…)" if analysis.checking else ""
        if not analysis.summaries:
            self.summary.setText("Nothing to check yet.")
        elif counts.errors == 0 and counts.warnings == 0 and not analysis.checking:
            aside = f" ({counts.set_aside:,} set aside)" if counts.set_aside else ""
            self.summary.setText(f"No problems found. ✓{aside}")
        else:
            self.summary.setText(counts.text() + checking)
        self._show_detail(self.table.currentIndex())

    @Slot()
    def _remember_current(self) -> None:
        found = self.current_problem()
        self._kept = None
        if found is not None:
            record, problem = found
            self._kept = (record, problem.code, problem.message_index)

    @Slot()
    def _restore_current(self) -> None:
        """The list is rebuilt as checks finish: the problem being looked at stays selected."""
        kept, self._kept = getattr(self, "_kept", None), None
        if kept is None or self.model is None:
            return
        for row in range(self.model.rowCount()):
            record, problem = self.model.problem(row)  # type: ignore[misc]
            if (record, problem.code, problem.message_index) == kept:
                self.table.setCurrentIndex(self.model.index(row, ProblemColumn.MESSAGE))
                return

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
            self._fit_detail()
            self.fix_button.setVisible(False)
            self.fix_all_button.setVisible(False)
            self.intended_button.setVisible(False)
            return
        record, problem = found
        aside = self.model is not None and self.model.intended(index.row())
        text = f"<b>{_escape(problem.message)}</b>"
        if problem.hint and problem.hint not in problem.message:  # (said once, not twice)
            text += f"<br>{_escape(problem.hint)}"
        if aside:
            text += "<br><i>You marked this as intended: it is not counted.</i>"
        self.detail.setText(text)
        self._fit_detail()
        self._show_fixes(record, problem)
        can_set_aside = problem.severity is not Severity.ERROR
        self.intended_button.setVisible(can_set_aside)
        self.intended_button.setText("Count It Again" if aside else "This Is Intended")
        self.intended_button.setToolTip(
            "Count this warning again"
            if aside
            else "Keep it as it is: the warning is set aside and no longer counted"
        )

    def _show_fixes(self, record: int | None, problem: Problem) -> None:
        self.offered = []
        if record is not None and self.model is not None and problem.fix is not None:
            dataset = self.model.analysis.dataset
            if 0 <= record < len(dataset):
                self.offered = fixes.offered_fixes(problem, dataset.value(record))
        elif problem.fix is not None:
            self.offered = [problem.fix]
        self._show_fix_all(problem)
        if not self.offered:
            self.fix_button.setVisible(False)
            return
        first = self.offered[0]
        self.fix_button.set_full_text(first.label)
        self.fix_button.setAccessibleName(first.label)
        self.fix_button.setToolTip(f"{first.label} (you can undo this)")
        self.fix_menu.clear()
        for fix in self.offered[1:]:
            action = self.fix_menu.addAction(fix.label)
            action.triggered.connect(lambda _=False, f=fix: self._request_fix(f))
        has_more = len(self.offered) > 1
        # None takes the menu away (Qt accepts a null menu; PySide's stub says QMenu only)
        self.fix_button.setMenu(self.fix_menu if has_more else None)  # type: ignore[arg-type]
        self.fix_button.setPopupMode(
            QToolButton.ToolButtonPopupMode.MenuButtonPopup
            if has_more
            else QToolButton.ToolButtonPopupMode.DelayedPopup
        )
        self.fix_button.setVisible(True)

    def _show_fix_all(self, problem: Problem) -> None:
        """“Fix All 8 Like This” when the same fix mends the same problem elsewhere too."""
        first = self.offered[0] if self.offered else None
        self.alike = []
        if first is not None and self.model is not None:
            self.alike = fixes.alike(first, problem, self.model.counted(problem.code))
        many = len(self.alike) > 1
        if many and first is not None:
            count = len(self.alike)
            self.fix_all_button.setText(f"Fix All {count:,} Like This")
            self.fix_all_button.setToolTip(
                f"{first.label} in every example with this problem ({count:,}); where the fix "
                "would bring a new error, the example is left as it is. One step to undo."
            )
        self.fix_all_button.setVisible(many)

    @Slot()
    def _on_fix_all_clicked(self) -> None:
        if self.offered and len(self.alike) > 1:
            self.fix_all_requested.emit(list(self.alike), self.offered[0])

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
        if self.offered:
            self._request_fix(self.offered[0])

    def _request_fix(self, fix: Fix) -> None:
        found = self.current_problem()
        if found is None or found[0] is None:
            return
        self.fix_requested.emit(found[0], found[1], fix)

    @Slot()
    def _on_intended_clicked(self) -> None:
        found = self.current_problem()
        index = self.table.currentIndex()
        if found is None or self.model is None:
            return
        record = -1 if found[0] is None else found[0]  # -1: a file-wide warning
        self.intended_requested.emit(record, found[1], not self.model.intended(index.row()))


class _ElidingToolButton(QToolButton):
    """A tool button whose label is shortened with "…" to its width (the tooltip has it all)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def _elide(self) -> None:
        room = self.width() - self.iconSize().width() - 44  # icon, padding, menu arrow
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 40)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
