"""Tool calls of an assistant reply, in readable form: function name and indented arguments."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import Path
from desktop_app.ui.editor.change import Change, ref_key
from desktop_app.ui.editor.look import icon
from desktop_app.ui.editor.text_box import GrowingTextEdit, route_undo_to_app
from desktop_app.ui.eliding_label import ElidingLabel
from desktop_app.ui.layouts import nested
from desktop_app.ui.wheel_guard import scroll_past


def monospace() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class ToolCallBox(QFrame):
    """One call: `name(arguments)` with a remove button and a validation line."""

    change_requested = Signal(object)

    def __init__(self, ref: Path, index: int, call: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ref = ref
        self.index = index
        self.setObjectName("toolCall")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        top = nested(layout)
        top.addWidget(QLabel("Calls function"))
        self.name = QLineEdit()
        self.name.setPlaceholderText("function name")
        self.name.setAccessibleName(f"Function name of tool call {index + 1}")
        self.name.setToolTip(
            "The name of the function this reply calls (one of the example's tools)."
        )
        self.name.textEdited.connect(self._name_edited)
        route_undo_to_app(self.name)
        top.addWidget(self.name, 1)
        # the id on a line of its own: beside the name, a long id ("call_rEJCsN62dJMJ…") left
        # the name box a few letters wide ("eather") and pushed the bubble past the window
        self.call_id = ElidingLabel(least=60, tip="The id that the tool's answer refers to:")
        self.call_id.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        remove = QToolButton()
        remove.setIcon(icon("list-remove"))
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this tool call")
        remove.setAccessibleName(f"Remove tool call {index + 1}")
        remove.clicked.connect(self._remove)
        top.addWidget(remove)
        layout.addWidget(self.call_id)
        self.arguments = GrowingTextEdit()
        self.arguments.setFont(monospace())
        self.arguments.setAccessibleName(f"Arguments of tool call {index + 1}")
        self.arguments.setToolTip('The arguments as JSON, for example {"city": "Paris"}.')
        self.arguments.setPlaceholderText("{}")
        self.arguments.edited.connect(self._arguments_edited)
        layout.addWidget(self.arguments)
        self.problem = QLabel()
        self.problem.setObjectName("problemText")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.update_call(call)

    def update_call(self, call: Any) -> None:
        name = edits.call_name(call)
        if self.name.text() != name:
            self.name.setText(name)
            self.name.setCursorPosition(0)  # a narrow box shows the name's start, not its end
        call_id = call.get("id") if isinstance(call, dict) else None
        self.call_id.setText(f"id {call_id}" if isinstance(call_id, str) else "no id")
        stored = edits.call_arguments(call)
        if edits.compact_arguments(self.arguments.toPlainText()) != stored:
            self.arguments.set_text(edits.pretty_arguments(stored))
        self._show_problem(self.arguments.toPlainText())

    def _show_problem(self, text: str) -> None:
        problem = edits.arguments_problem(text)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))

    def _name_edited(self, text: str) -> None:
        ref, index = self.ref, self.index
        self.change_requested.emit(
            Change(
                lambda v: edits.set_call_name(v, ref, index, text),
                "Edit function name",
                f"{ref_key(ref)}:call{index}:name",
            )
        )

    def _arguments_edited(self, text: str) -> None:
        self._show_problem(text)
        ref, index = self.ref, self.index
        self.change_requested.emit(
            Change(
                lambda v: edits.set_call_arguments(v, ref, index, text),
                "Edit tool arguments",
                f"{ref_key(ref)}:call{index}:arguments",
            )
        )

    def _remove(self) -> None:
        ref, index = self.ref, self.index
        self.change_requested.emit(
            Change(lambda v: edits.remove_tool_call(v, ref, index), "Remove tool call", focus=ref)
        )


class ToolCallsEditor(QWidget):
    """Every tool call of one assistant reply."""

    change_requested = Signal(object)

    def __init__(self, ref: Path, calls: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.boxes: list[ToolCallBox] = []
        for index, call in enumerate(calls):
            box = ToolCallBox(ref, index, call)
            box.change_requested.connect(self.change_requested)
            layout.addWidget(box)
            self.boxes.append(box)

    def update_calls(self, calls: list[Any]) -> None:
        for box, call in zip(self.boxes, calls, strict=False):
            box.update_call(call)


class ToolAnswerRow(QWidget):
    """For a tool message: which call it answers (chosen among the calls made before it)."""

    change_requested = Signal(object)

    def __init__(self, ref: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ref = ref
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Answers"))
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setAccessibleName("Tool call this result answers")
        self.combo.setToolTip("The tool call (by id) whose result this message holds.")
        # as wide as the row allows (a long call id made the bubble wider than the window)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(10)
        self.combo.activated.connect(self._picked)
        scroll_past(self.combo)  # scrolling the conversation never changes the answered call
        line_edit = self.combo.lineEdit()
        if line_edit is not None:
            line_edit.textEdited.connect(self._typed)
            route_undo_to_app(line_edit)
        layout.addWidget(self.combo, 1)

    def update_answer(self, value: Any, message: Any) -> None:
        current = message.get("tool_call_id") if isinstance(message, dict) else None
        current = current if isinstance(current, str) else ""
        choices = edits.calls_before(value, self.ref)
        wanted = [(f"{name or 'function'} · {call_id}", call_id) for call_id, name in choices]
        if current and current not in {c for _, c in wanted}:
            wanted.append((f"{current} (no earlier call has this id)", current))
        self.combo.blockSignals(True)
        try:
            existing = [
                (self.combo.itemText(i), self.combo.itemData(i)) for i in range(self.combo.count())
            ]
            if existing != wanted:
                self.combo.clear()
                for label, call_id in wanted:
                    self.combo.addItem(icon("message-tool"), label, call_id)
            found = self.combo.findData(current)
            if found >= 0:
                self.combo.setCurrentIndex(found)
            else:
                self.combo.setEditText(current)
            line_edit = self.combo.lineEdit()
            if line_edit is not None and not line_edit.hasFocus():  # (typing keeps its place)
                line_edit.setCursorPosition(0)  # a narrow box shows the name, not the id's end
        finally:
            self.combo.blockSignals(False)

    def _picked(self, row: int) -> None:
        call_id = self.combo.itemData(row)
        if isinstance(call_id, str):
            self._set(call_id, None)

    def _typed(self, text: str) -> None:
        self._set(text, f"{ref_key(self.ref)}:tool_call_id")

    def _set(self, call_id: str, merge_key: str | None) -> None:
        ref = self.ref
        self.change_requested.emit(
            Change(
                lambda v: edits.set_tool_call_id(v, ref, call_id), "Change answered call", merge_key
            )
        )
