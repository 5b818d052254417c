"""Find and replace in message texts (plain or regular expression), with a count before applying."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import TextPattern
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.qt.commands import SetManyCommand
from desktop_app.ui.dialogs.scope import EXAMPLE_KINDS, ScopeChooser
from desktop_app.ui.layouts import nested

PREVIEW_DELAY_MS = 250


class FindReplaceDialog(QDialog):
    def __init__(
        self,
        dataset: Dataset,
        undo_stack: QUndoStack,
        selected: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find and replace")
        self.dataset, self.stack = dataset, undo_stack
        self.replaced = 0
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.find_edit = QLineEdit()
        self.find_edit.setAccessibleName("Find")
        self.find_edit.setToolTip(
            "The text to look for in the messages (roles and names are never changed)"
        )
        self.replace = QLineEdit()
        self.replace.setAccessibleName("Replace with")
        self.replace.setToolTip(
            "The new text; with a regular expression, \\1 inserts the first group"
        )
        form.addRow("&Find:", self.find_edit)
        form.addRow("&Replace with:", self.replace)
        layout.addLayout(form)
        options = nested(layout)
        self.match_case = QCheckBox("Match &case")
        self.whole_words = QCheckBox("&Whole words")
        self.regex = QCheckBox("Regular e&xpression")
        self.regex.setToolTip("Treat the text to find as a Python regular expression")
        for box in (self.match_case, self.whole_words, self.regex):
            box.toggled.connect(self._schedule_preview)
            options.addWidget(box)
        options.addStretch(1)
        where = nested(layout)  # "Look in:" beside its choices, not a row of its own
        where.addWidget(QLabel("Look in:"))
        self.scope = ScopeChooser(dataset, selected)
        self.scope.changed.connect(self._schedule_preview)
        where.addWidget(self.scope, 1)
        self.preview = QLabel("Type the text to find.")
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("How many replacements")
        layout.addWidget(self.preview)
        layout.addStretch(1)  # room to spare goes below, not between the rows
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.replace_button = QPushButton("Replace &all")
        self.replace_button.setToolTip("Replace every match shown above (one undo step)")
        self.buttons.addButton(self.replace_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.replace_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.find_edit.textChanged.connect(self._schedule_preview)
        self.resize(520, self.sizeHint().height())  # as tall as its rows, wide enough to type
        self.update_preview()

    def look_for(self, text: str) -> None:
        """Look for `text` exactly as written, in every example, and wait for what replaces
        it."""
        self.find_edit.setText(text)
        self.match_case.setChecked(True)
        self.regex.setChecked(False)
        self.scope.everything.setChecked(True)
        self.update_preview()
        self.replace.setFocus()

    def pattern(self) -> TextPattern:
        return TextPattern(
            self.find_edit.text(),
            regex=self.regex.isChecked(),
            match_case=self.match_case.isChecked(),
            whole_words=self.whole_words.isChecked(),
        )

    def _values(self, pattern: TextPattern) -> Iterator[tuple[int, Any]]:
        for index in self.scope.indexes():
            record = self.dataset[index]
            if not edits.might_match(record.raw, pattern):
                continue
            parsed = record.parse()
            if parsed.kind in EXAMPLE_KINDS:
                yield index, parsed.value

    def _schedule_preview(self) -> None:
        self._timer.start()

    def update_preview(self) -> None:
        self.replace_button.setEnabled(False)
        if not self.find_edit.text():
            self.preview.setText("Type the text to find.")
            return
        pattern = self.pattern()
        try:
            matches, examples = edits.count_plan(self._values(pattern), pattern)
        except UserFacingError as exc:
            self.preview.setText(f"{exc.message} {exc.next_step}")
            return
        if not matches:
            self.preview.setText("No message contains this text.")
            return
        self.preview.setText(
            f"{matches} replacement{'s' if matches != 1 else ''} in "
            f"{examples} example{'s' if examples != 1 else ''}."
        )
        self.replace_button.setEnabled(True)

    def accept(self) -> None:
        pattern = self.pattern()
        try:
            plan = edits.plan_replace(self._values(pattern), pattern, self.replace.text())
        except UserFacingError as exc:
            self.preview.setText(f"{exc.message} {exc.next_step}")
            return
        if plan.changes:
            text = f"Replace “{pattern.find}” with “{self.replace.text()}” ({plan.replacements}×)"
            self.stack.push(SetManyCommand(self.dataset, plan.changes, text))
        self.replaced = plan.replacements
        super().accept()


def run_find_replace(
    parent: QWidget | None,
    dataset: Dataset,
    undo_stack: QUndoStack,
    indexes: Sequence[int],
    find: str = "",
) -> int:
    """Show the dialog; returns how many replacements were made (0 when closed). With `find`
    (a placeholder to replace), it is looked for as written, and the cursor waits in
    "Replace with"."""
    dialog = FindReplaceDialog(dataset, undo_stack, indexes, parent)
    if find:
        dialog.look_for(find)
    dialog.exec()
    return dialog.replaced
