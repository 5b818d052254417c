"""The start dialog's second page: the checks running on exactly the data that would be sent, the
problems (each links to its example), the warnings, the estimate and the confirmation."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.training.preflight import CheckOutcome, Finding, estimate_lines
from desktop_app.ui.icons import icon
from desktop_app.ui.wrapping_list import wrap_entries

FindingRole = Qt.ItemDataRole.UserRole + 1
START_TEXT = "Upload and start"
PRACTICE_START_TEXT = "Start practice run"


class CheckPage(QWidget):
    """Check results and the estimate; `problem_activated(record, message)` on a click."""

    problem_activated = Signal(int, int)  # record index, message index (-1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check_title = QLabel(self)
        self.check_title.setObjectName("check-title")
        self.check_title.setWordWrap(True)
        self.choices_label = QLabel(self)
        self.choices_label.setObjectName("choices-summary")
        self.choices_label.setWordWrap(True)
        self.choices_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_progress = QProgressBar(self)
        self.check_progress.setObjectName("check-progress")
        self.check_progress.setFormat("Checking… %p%")
        self.errors_label = QLabel(self)
        self.errors_label.setWordWrap(True)
        self.errors_list = self._findings_list("errors-list", "Problems to fix before training")
        self.warnings_label = QLabel(self)
        self.warnings_label.setWordWrap(True)
        self.warnings_list = self._findings_list("warnings-list", "Warnings")
        self.estimate_box = QGroupBox("Estimate", self)
        self.estimate_box.setObjectName("estimate-box")
        self.estimate_grid = QGridLayout(self.estimate_box)
        self.estimate_note = QLabel(self)
        self.estimate_note.setWordWrap(True)
        self.confirm_check = QCheckBox(
            "I have read the estimate and want to upload the data and start this job.", self
        )
        self.confirm_check.setObjectName("confirm-check")
        self.back_button = QPushButton("← Back", self)
        self.start_button = QPushButton(icon("train"), START_TEXT, self)
        self.start_button.setObjectName("start-button")
        self.start_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout = self.column = QVBoxLayout(self)
        layout.addWidget(self.check_title)
        layout.addWidget(self.choices_label)
        layout.addWidget(self.check_progress)
        layout.addWidget(self.errors_label)
        layout.addWidget(self.errors_list, 2)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.warnings_list, 1)
        layout.addWidget(self.estimate_box)
        layout.addWidget(self.estimate_note)
        layout.addWidget(self.confirm_check)
        layout.addStretch(0)
        layout.addLayout(buttons)

    def _findings_list(self, name: str, accessible: str) -> QListWidget:
        found = QListWidget(self)
        wrap_entries(found)  # a long finding wraps (at 1024 pixels its end was off the side)
        found.setObjectName(name)
        found.setAccessibleName(accessible)
        found.itemActivated.connect(self._on_finding_activated)
        found.itemClicked.connect(self._on_finding_activated)
        return found

    def show_running(self, kind: str) -> None:
        """The checks started: hide the last results; the button names what will happen."""
        practice = kind == "practice"
        self.start_button.setText(PRACTICE_START_TEXT if practice else START_TEXT)
        self.confirm_check.setText(
            "I have read the estimate and want to start this practice run (nothing is sent)."
            if practice
            else "I have read the estimate and want to upload the data and start this job."
        )
        self.check_title.setText("Checking every example, exactly as it would be sent…")
        self.check_progress.setRange(0, 0)
        self.check_progress.show()
        for widget in (
            self.errors_label,
            self.errors_list,
            self.warnings_label,
            self.warnings_list,
            self.estimate_box,
            self.estimate_note,
            self.confirm_check,
        ):
            widget.hide()
        self.confirm_check.setChecked(False)
        self.start_button.setEnabled(False)

    def show_progress(self, done: int, total: int) -> None:
        self.check_progress.setRange(0, max(1, total))
        self.check_progress.setValue(done)

    def show_outcome(self, outcome: CheckOutcome, kind: str) -> None:
        self.check_progress.hide()
        self._fill_findings(self.errors_list, outcome.errors, "severity-error")
        self._fill_findings(self.warnings_list, outcome.warnings, "severity-warning")
        for found, findings in (
            (self.errors_list, outcome.errors),
            (self.warnings_list, outcome.warnings),
        ):
            # room shared by how much each list holds (3 errors left 9 warnings 5 lines high)
            self.column.setStretchFactor(found, min(max(len(findings), 1), 12))
        if outcome.blocked:
            count = len(outcome.errors)
            self.check_title.setText(
                f"<b>{count} problem{'s' if count != 1 else ''} must be fixed before training.</b>"
                " Nothing was sent."
            )
            self.errors_label.setText(_what_to_do(outcome.errors))
            self.errors_label.show()
            self.errors_list.show()
        else:
            self.check_title.setText(
                "<b>The checks found nothing that stops training.</b> Read the estimate below."
            )
            self._fill_estimate(outcome, kind)
        if outcome.warnings:
            count = len(outcome.warnings)
            self.warnings_label.setText(
                f"{count} warning{'s' if count != 1 else ''}: the job can run, but look at "
                f"{'them' if count != 1 else 'it'} first."
            )
            self.warnings_label.show()
            self.warnings_list.show()

    def _fill_findings(self, widget: QListWidget, findings: list[Finding], icon_name: str) -> None:
        widget.clear()
        for finding in findings:
            item = QListWidgetItem(icon(icon_name), finding.text)
            item.setData(FindingRole, finding)
            tip = finding.problem.hint or finding.problem.message
            if finding.record_index is not None:
                tip += "\n\nClick to show this example in the editor."
            item.setToolTip(tip)
            widget.addItem(item)

    def _fill_estimate(self, outcome: CheckOutcome, kind: str) -> None:
        while self.estimate_grid.count():
            taken = self.estimate_grid.takeAt(0)
            if taken is None:
                break
            widget = taken.widget()
            if widget is not None:
                widget.deleteLater()
            shiboken6.delete(taken)  # a taken item is the caller's to delete
        for row, (label, value) in enumerate(estimate_lines(outcome, kind)):
            name = QLabel(label + ":", self.estimate_box)
            text = QLabel(f"<b>{html(value)}</b>", self.estimate_box)
            text.setObjectName(f"estimate-{row}")
            text.setWordWrap(True)
            self.estimate_grid.addWidget(name, row, 0)
            self.estimate_grid.addWidget(text, row, 1)
        self.estimate_grid.setColumnStretch(1, 1)
        notes = list(outcome.notes)
        if kind != "practice":
            notes.append(
                "The provider counts the final tokens itself, so the bill can differ a little."
            )
        self.estimate_note.setText(" ".join(notes))
        self.estimate_box.show()
        self.estimate_note.setVisible(bool(notes))
        self.confirm_check.show()

    @Slot(QListWidgetItem)
    def _on_finding_activated(self, item: QListWidgetItem) -> None:
        finding = item.data(FindingRole)
        if isinstance(finding, Finding) and finding.record_index is not None:
            message = finding.problem.message_index
            self.problem_activated.emit(finding.record_index, -1 if message is None else message)


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# problems that come from the way a file is written, which the repair fixes all at once
_FILE_SHAPE_CODES = frozenset({"comment_line", "split_example"})


def _what_to_do(errors: list[Finding]) -> str:
    """The next step for the errors that block training."""
    if any(f.problem.code in _FILE_SHAPE_CODES and not f.in_validation_file for f in errors):
        return (
            "Most of these come from the way the file is written, not from the examples: close "
            "this window and choose File ▸ Repair File… — it puts each example on one line. Then "
            "start again."
        )
    return "Click a problem to go to its example in the editor. Fix them, then start again."
