"""Set, add or remove the system prompt on the selected examples or all of them (one undo step)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import SystemPromptMode
from desktop_app.core.dataset.records import Dataset
from desktop_app.qt.commands import SetManyCommand
from desktop_app.ui.dialogs.scope import ScopeChooser

_MODES = (
    (SystemPromptMode.SET, "Replace the system prompt, and add it where there is none"),
    (SystemPromptMode.ADD_MISSING, "Only add it to examples that have no system prompt"),
    (SystemPromptMode.REMOVE, "Remove the system prompt"),
)


def most_common_prompt(dataset: Dataset, indexes: Sequence[int], limit: int = 2000) -> str:
    prompts: Counter[str] = Counter()
    for index in list(indexes)[:limit]:
        value = dataset.value(index)
        path = edits.chat_list_path(value)
        first = edits.get_at(value, (*path, 0)) if path else None
        if isinstance(first, dict) and first.get("role") == "system":
            content = first.get("content")
            if isinstance(content, str):
                prompts[content] += 1
    return prompts.most_common(1)[0][0] if prompts else ""


class SystemPromptDialog(QDialog):
    def __init__(
        self,
        dataset: Dataset,
        undo_stack: QUndoStack,
        selected: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("System prompt")
        self.dataset, self.stack = dataset, undo_stack
        self.changed_count = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_preview)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Apply to:"))
        self.scope = ScopeChooser(dataset, selected)
        layout.addWidget(self.scope)
        label = QLabel("&System prompt:")
        layout.addWidget(label)
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName("System prompt")
        self.prompt.setProperty("spellCheck", True)  # (ui/window_words.py)
        self.prompt.setToolTip("The instructions every example starts with")
        self.prompt.setPlaceholderText(
            "For example: You are Brightline's support assistant. Answer kindly and briefly."
        )
        self.prompt.setPlainText(most_common_prompt(dataset, self.scope.indexes()))
        label.setBuddy(self.prompt)
        layout.addWidget(self.prompt, 1)
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[SystemPromptMode, QRadioButton] = {}
        for mode, text in _MODES:
            button = QRadioButton(text)
            self.modes.addButton(button)
            self.mode_buttons[mode] = button
            layout.addWidget(button)
            button.toggled.connect(self._schedule_preview)
        self.mode_buttons[SystemPromptMode.SET].setChecked(True)
        self.preview = QLabel()
        self.preview.setAccessibleName("What will change")
        layout.addWidget(self.preview)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.prompt.textChanged.connect(self._schedule_preview)
        self.scope.changed.connect(self._schedule_preview)
        self.resize(560, 400)
        self.update_preview()

    @property
    def mode(self) -> SystemPromptMode:
        return next(m for m, b in self.mode_buttons.items() if b.isChecked())

    def plan(self) -> dict[int, object]:
        return edits.plan_system_prompt(self.scope.values(), self.prompt.toPlainText(), self.mode)

    def _schedule_preview(self) -> None:
        self._timer.start()

    def update_preview(self) -> None:
        self.prompt.setEnabled(self.mode is not SystemPromptMode.REMOVE)
        if self.mode is not SystemPromptMode.REMOVE and not self.prompt.toPlainText().strip():
            self.preview.setText("Write the system prompt first.")
            self.apply_button.setEnabled(False)
            return
        count = len(self.plan())
        self.preview.setText(
            f"{count} example{'s' if count != 1 else ''} will change."
            if count
            else "No example would change."
        )
        self.apply_button.setEnabled(count > 0)

    def accept(self) -> None:
        changes = self.plan()
        if changes:
            verb = {SystemPromptMode.REMOVE: "Remove", SystemPromptMode.ADD_MISSING: "Add"}.get(
                self.mode, "Set"
            )
            count = len(changes)
            text = f"{verb} system prompt on {count} example{'s' if count != 1 else ''}"
            self.stack.push(SetManyCommand(self.dataset, changes, text))
        self.changed_count = len(changes)
        super().accept()


def run_system_prompt(
    parent: QWidget | None, dataset: Dataset, undo_stack: QUndoStack, indexes: Sequence[int]
) -> int:
    """Show the dialog; returns how many examples changed (0 when cancelled)."""
    dialog = SystemPromptDialog(dataset, undo_stack, indexes, parent)
    dialog.exec()
    return dialog.changed_count
