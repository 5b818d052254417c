"""The playground: chat with one model, or two side by side, and keep the good replies.

A system prompt (typed, or taken from the open dataset) goes first; each question goes to every
visible column at once and the replies stream in. Any reply, edited or not, can be added to the
open dataset with the conversation before it, as one undoable step on the document's undo stack.
For a preference dataset, a reply is added as the preferred one over the other column's reply.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.records import DatasetKind
from desktop_app.core.trying.endpoints import BASE, TUNED, Endpoint
from desktop_app.core.trying.prompts import dataset_system_prompts
from desktop_app.qt.commands import InsertRecordsCommand
from desktop_app.ui.icons import icon
from desktop_app.ui.layouts import nested
from desktop_app.ui.playground.chat_column import ChatColumn
from desktop_app.ui.playground.services import TryServices
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.theme import severity_color

SYSTEM_MENU_LIMIT = 12


class PlaygroundWindow(QWidget):
    """Try one model or two side by side; add replies to the open dataset."""

    example_added = Signal(int)

    def __init__(self, services: TryServices, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.setObjectName("playground-window")
        self.setWindowTitle("Playground — Finetune Studio")
        self.setWindowIcon(icon("chat"))
        fit_size(self, 1200, 800)
        self._last_command: QUndoCommand | None = None
        self._build()
        self.set_side_by_side(False)
        self._update_buttons()

    # ---- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.system = QPlainTextEdit(self)
        self.system.setProperty("spellCheck", True)  # (ui/window_words.py)
        self.system.setObjectName("system-edit")
        self.system.setPlaceholderText(
            "Optional: instructions for the model (the system prompt), as in your examples"
        )
        self.system.setAccessibleName("System prompt")
        self.system.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        # a push button: it draws its menu arrow beside the text (a tool button's arrow sat on
        # the last letter)
        self.from_dataset = QPushButton("From the dataset", self)
        self.from_dataset.setToolTip("Use a system prompt from the open dataset")
        self.system_menu = QMenu(self.from_dataset)
        self.system_menu.aboutToShow.connect(self.fill_system_menu)
        self.from_dataset.setMenu(self.system_menu)
        self.side_by_side = QCheckBox("Compare two models side by side", self)
        self.side_by_side.setObjectName("side-by-side")
        self.side_by_side.toggled.connect(self.set_side_by_side)

        system_row = QHBoxLayout()
        system_label = QLabel("System prompt:", self)
        system_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        system_row.addWidget(system_label)
        system_row.addWidget(self.system, 1)
        buttons = nested(system_row, vertical=True)
        buttons.addWidget(self.from_dataset)
        buttons.addWidget(self.side_by_side)
        buttons.addStretch(1)

        self.column_a = ChatColumn(self.services, "Model A", self)
        self.column_b = ChatColumn(self.services, "Model B", self)
        for column in (self.column_a, self.column_b):
            column.busy_changed.connect(self._update_buttons)
            column.add_requested.connect(self.add_reply)
            column.picker.changed.connect(self._update_buttons)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.column_a)
        self.splitter.addWidget(self.column_b)
        self.splitter.setChildrenCollapsible(False)

        self.question = QPlainTextEdit(self)
        self.question.setProperty("spellCheck", True)
        self.question.setObjectName("question-edit")
        self.question.setPlaceholderText("Write a message… (Ctrl+Enter sends)")
        self.question.setAccessibleName("Your message")
        self.question.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.question.textChanged.connect(self._update_buttons)
        self.send_button = QPushButton(icon("chat"), "Send", self)
        self.send_button.setObjectName("send-button")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("stop-button")
        self.stop_button.setToolTip("Stop the replies being written (Esc); what arrived stays")
        self.stop_button.clicked.connect(self.stop)
        self.new_button = QPushButton(icon("document-new"), "New conversation", self)
        self.new_button.clicked.connect(self.new_conversation)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.send)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.send)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop)
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)  # Ctrl+W and Ctrl+F4

        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question, 1)
        ask_buttons = nested(ask_row, vertical=True)
        ask_buttons.addWidget(self.send_button)
        ask_buttons.addWidget(self.stop_button)
        ask_buttons.addWidget(self.new_button)

        self.status = QLabel(self)
        self.status.setObjectName("playground-status")
        self.status.setWordWrap(True)
        self.undo_button = QPushButton(icon("edit-undo"), "Undo", self)
        self.undo_button.setObjectName("undo-add-button")
        self.undo_button.setToolTip("Remove the example just added (also Edit → Undo)")
        self.undo_button.hide()
        self.undo_button.clicked.connect(self.undo_last_add)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.undo_button)

        layout = QVBoxLayout(self)
        layout.addLayout(system_row)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(ask_row)
        layout.addLayout(status_row)

    # ---- choosing models -------------------------------------------------------------------
    def set_endpoints(self, a: Endpoint | None, b: Endpoint | None = None) -> None:
        """Preselect models (for example a tuned model and its base model side by side)."""
        if a is not None:
            self.column_a.picker.set_endpoint(a)
        if b is not None:
            self.column_b.picker.set_endpoint(b)
            self.side_by_side.setChecked(True)

    def refresh_models(self) -> None:
        """Reload the list of trained models (after a job finished)."""
        for column in (self.column_a, self.column_b):
            column.picker.refresh()

    @Slot(bool)
    def set_side_by_side(self, on: bool) -> None:
        if self.side_by_side.isChecked() != on:
            self.side_by_side.setChecked(on)
            return
        if on and not self.column_b.turns and self.column_a.turns:
            self.column_b.copy_from(self.column_a)
        if on:
            self._pair_base_with_tuned()
        if not on:
            self.column_b.stop()
        self.column_b.setVisible(on)
        self._update_buttons()

    def _pair_base_with_tuned(self) -> None:
        """Side by side starts with a tuned model against its base model, never one model
        twice: the second column takes the first one's counterpart."""
        a, b = self.column_a.picker.endpoint(), self.column_b.picker.endpoint()
        if a is None or (b is not None and b != a):
            return
        choices = self.services.endpoint_choices()
        if a not in choices:
            return
        at = choices.index(a)
        if a.origin == TUNED:
            after = [e for e in choices[at + 1 :] if e.origin == BASE]
            partner = after[0] if after else None
        else:
            before = [e for e in choices[:at] if e.origin == TUNED]
            partner = before[-1] if before else None
        if partner is not None:
            self.column_b.picker.set_endpoint(partner)

    def columns(self) -> list[ChatColumn]:
        return [self.column_a, self.column_b] if self.side_by_side.isChecked() else [self.column_a]

    # ---- asking ----------------------------------------------------------------------------
    @Slot()
    def send(self) -> None:
        question = self.question.toPlainText().strip()
        if not question or any(c.busy for c in self.columns()):
            return
        system = self.system.toPlainText()
        asked = [column for column in self.columns() if column.ask(system, question)]
        if asked:
            chosen = [c.picker.endpoint() for c in self.columns()]
            self.services.remember_models([e for e in chosen if e is not None])
            self.question.clear()
            self.set_status("")
        else:
            self.set_status("Choose a model first.", error=True)
        self._update_buttons()

    @Slot()
    def stop(self) -> None:
        for column in (self.column_a, self.column_b):
            column.stop()

    @Slot()
    def new_conversation(self) -> None:
        for column in (self.column_a, self.column_b):
            column.clear()
        self.set_status("")
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        busy = any(c.busy for c in (self.column_a, self.column_b))
        ready = all(c.picker.endpoint() is not None for c in self.columns())
        self.send_button.setEnabled(
            not busy and ready and bool(self.question.toPlainText().strip())
        )
        self.stop_button.setEnabled(busy)
        self.new_button.setEnabled(not busy)

    # ---- the system prompt -----------------------------------------------------------------
    @Slot()
    def fill_system_menu(self) -> None:
        self.system_menu.clear()
        document = self.services.document()
        prompts = dataset_system_prompts(document.dataset) if document is not None else []
        if not prompts:
            empty = self.system_menu.addAction("The open dataset has no system prompt")
            empty.setEnabled(False)
            return
        for text, count in prompts[:SYSTEM_MENU_LIMIT]:
            line = " ".join(text.split())
            shown = line if len(line) <= 70 else line[:69] + "…"
            action = self.system_menu.addAction(f"{shown}  ({count}×)")
            action.setToolTip(text)
            action.setData(text)
            action.triggered.connect(self._use_system_prompt)

    @Slot()
    def _use_system_prompt(self) -> None:
        action = self.sender()
        text = action.data() if isinstance(action, QAction) else None
        if isinstance(text, str):
            self.system.setPlainText(text)

    def use_dataset_system_prompt(self) -> bool:
        """Fill in the open dataset's most used system prompt; False when it has none."""
        document = self.services.document()
        prompts = dataset_system_prompts(document.dataset) if document is not None else []
        if prompts:
            self.system.setPlainText(prompts[0][0])
        return bool(prompts)

    # ---- adding replies to the dataset -----------------------------------------------------
    @Slot(object, int)
    def add_reply(self, column: object, turn: int) -> None:
        if not isinstance(column, ChatColumn):
            return
        document = self.services.document()
        if document is None:
            self.set_status(
                "Open a dataset first: the reply is added to the open dataset.", error=True
            )
            return
        if getattr(document, "loading", False):
            self.set_status("The dataset is still opening; add the reply in a moment.", error=True)
            return
        value = self._example_for(column, turn, document.dataset.kind, len(document.dataset))
        if value is None:
            return
        dataset = document.dataset
        at = len(dataset)
        command = InsertRecordsCommand(dataset, at, [value], "Add a reply from the playground")
        document.undo_stack.push(command)
        self._last_command = command
        self.set_status(f"Added as example {at + 1} at the end of the dataset.")
        self.undo_button.show()
        self.services.example_added.emit(at)
        self.example_added.emit(at)

    def _example_for(self, column: ChatColumn, turn: int, kind: str, count: int) -> Any:
        messages = column.messages(self.system.toPlainText(), upto=turn)
        if kind != DatasetKind.PREFERENCE or count == 0:
            return {"messages": messages}
        other = self.column_b if column is self.column_a else self.column_a
        rejected = other.reply_at(turn) if self.side_by_side.isChecked() else None
        if rejected is None:
            self.set_status(
                "This dataset holds preference pairs. Ask two models side by side, then add the "
                "better reply: the other one becomes the rejected reply.",
                error=True,
            )
            return None
        return {
            "input": {"messages": messages[:-1]},
            "preferred_output": [messages[-1]],
            "non_preferred_output": [{"role": "assistant", "content": rejected}],
        }

    @Slot()
    def undo_last_add(self) -> None:
        """Undo the example just added, if it is still the last change on the undo stack."""
        document = self.services.document()
        command, self._last_command = self._last_command, None
        self.undo_button.hide()
        if document is None or command is None:
            return
        stack = document.undo_stack
        if stack.index() > 0 and stack.command(stack.index() - 1) is command:
            stack.undo()
            self.set_status("The added example was removed again.")
        else:
            self.set_status("Other changes came after it; use Edit → Undo in the main window.")

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {severity_color('error').name()};" if error else "")
        if not text:
            self.undo_button.hide()

    # ---- closing ---------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)
