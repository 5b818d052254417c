"""One message of a conversation as a coloured bubble: role, text, images, tool calls, switches."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import ROLES, Path
from desktop_app.ui.editor.change import Change, ref_key
from desktop_app.ui.editor.look import RoleColors, icon, role_colors
from desktop_app.ui.editor.text_box import GrowingTextEdit
from desktop_app.ui.editor.tool_calls_editor import ToolAnswerRow, ToolCallsEditor
from desktop_app.ui.eliding_label import ElidingLabel
from desktop_app.ui.layouts import nested
from desktop_app.ui.wheel_guard import scroll_past

KNOWN_KEYS = {"role", "content", "weight", "tool_calls", "tool_call_id", "name"}
_BUTTON_WIDTH = 26
_NOT_COUNTED = object()
_ROLE_LABELS = {"system": "System", "user": "User", "assistant": "Assistant", "tool": "Tool result"}
_PLACEHOLDERS = {
    "system": "Instructions for the model: who it is and how it should answer…",
    "user": "What the user writes…",
    "assistant": "The reply the model should learn to give…",
    "tool": "What the tool returned…",
}


def role_label(role: str) -> str:
    return _ROLE_LABELS.get(role, role or "No role")


class Chip(ElidingLabel):
    """A small read-only tag for things that are kept but not edited here (images, other parts);
    a long address is cut in its middle, so its end (the file name) stays in view."""

    def __init__(self, text: str, tooltip: str, icon_name: str = "", parent: QWidget | None = None):
        super().__init__(parent, least=80, mode=Qt.TextElideMode.ElideMiddle)
        self.setObjectName("chip")
        self._prefix = "🖼 " if icon_name == "image" else ""
        self.set_content(text, tooltip)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            "QLabel#chip { border: 1px solid palette(mid); border-radius: 9px; padding: 2px 8px;"
            " background: palette(base); }"
        )
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def set_content(self, text: str, tooltip: str) -> None:
        shown = text if len(text) <= 90 else text[:60] + "…" + text[-25:]
        self.setText(self._prefix + shown)
        self.setToolTip(tooltip)
        self.setAccessibleName(tooltip)


def _image_chip_text(part: Any) -> tuple[str, str]:
    """What an image part's chip says, and its tooltip."""
    label = edits.image_label(part)
    where = "embedded in the file" if label.startswith("Embedded") else f"at {label}"
    return label, f"An image {where}. It is kept as it is."


class MessageBubble(QFrame):
    """Shows and edits one message; every edit leaves as a `Change` for the undo stack."""

    change_requested = Signal(object)

    def __init__(
        self,
        ref: Path,
        value: Any,
        message: Any,
        *,
        count: int,
        train_switch: bool = True,
        movable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ref = ref
        self.position = int(ref[-1])
        message = message if isinstance(message, dict) else {}
        self.role = message.get("role") if isinstance(message.get("role"), str) else ""
        self._focused = False
        self._trained = True
        self.counted: Any = _NOT_COUNTED  # the message data its token count was made from
        self.editors: list[GrowingTextEdit] = []
        self._part_editors: dict[int, GrowingTextEdit] = {}
        self._image_chips: dict[int, Chip] = {}  # by part: shown anew for another example
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.setAccessibleName(f"Message {self.position + 1}: {role_label(self.role)}")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 10)
        layout.setSpacing(6)
        self._header(nested(layout), message, count, train_switch, movable)
        self._body(layout, message)
        self.tool_calls: ToolCallsEditor | None = None
        if edits.tool_calls(message):
            self.tool_calls = ToolCallsEditor(ref, edits.tool_calls(message))
            self.tool_calls.change_requested.connect(self.change_requested)
            layout.addWidget(self.tool_calls)
        self.answer: ToolAnswerRow | None = None
        if self.role == "tool" or "tool_call_id" in message:
            self.answer = ToolAnswerRow(ref)
            self.answer.change_requested.connect(self.change_requested)
            layout.insertWidget(1, self.answer)
        if self.train is not None:
            layout.addWidget(self.train, 0, Qt.AlignmentFlag.AlignLeft)
        self.extras = QLabel()
        self.extras.setObjectName("extras")
        self.extras.setWordWrap(True)
        self.extras.setEnabled(False)
        layout.addWidget(self.extras)
        self.update_message(value, message)

    @property
    def colors(self) -> RoleColors:
        """The role's colours in the theme in use now (it can change while the app runs)."""
        return role_colors(self.role)

    # ---- building ---------------------------------------------------------------------------
    def _header(
        self,
        row: QBoxLayout,
        message: dict[str, Any],
        count: int,
        train_switch: bool,
        movable: bool,
    ) -> None:
        row.setSpacing(6)
        self.role_combo = QComboBox()
        self.role_combo.setAccessibleName(f"Role of message {self.position + 1}")
        self.role_combo.setToolTip(
            "Who says this message. Changing it changes how the model learns from it."
        )
        for role in ROLES:
            self.role_combo.addItem(icon(f"message-{role}"), role_label(role), role)
        if self.role not in ROLES:
            self.role_combo.addItem(icon("chat"), role_label(self.role), self.role)
        self.role_combo.setCurrentIndex(self.role_combo.findData(self.role))
        self.role_combo.activated.connect(self._role_picked)
        scroll_past(self.role_combo)  # scrolling the conversation never changes a role
        row.addWidget(self.role_combo)
        # a tool's long function name ends in … rather than widen the bubble past the pane
        self.name_label = ElidingLabel(least=24, tip="The function whose result this is:")
        self.name_label.setEnabled(False)
        row.addWidget(self.name_label, 1)
        # the action buttons float over the header's right end (see resizeEvent): kept out of
        # the layout, they never make a bubble wider than a narrow editor pane
        self.actions_box = QWidget(self)
        self.actions_box.setObjectName("messageActions")
        self.actions_box.setAutoFillBackground(True)
        self.actions_box.hide()
        self.train: QCheckBox | None = None
        if self.role == "assistant" and train_switch:
            self.train = QCheckBox("Train on this reply")
            self.train.setAccessibleName(f"Train on reply {self.position + 1}")
            self.train.setToolTip(
                "On: the model learns to write this reply.\n"
                "Off: the model reads it as context but does not learn from it (weight 0)."
            )
            self.train.clicked.connect(self._train_clicked)
            # placed under the reply (see __init__): in the header it made assistant bubbles
            # wider than a narrow editor pane, which then cut their right edge off
        self.tokens = QLabel("…")
        self.tokens.setObjectName("tokenCount")
        self.tokens.setEnabled(False)
        self.tokens.setToolTip("Tokens in this message (counting…)")
        self.tokens.setAccessibleName("Token count")
        self.tokens.setMinimumWidth(0)
        row.addWidget(self.tokens)
        buttons = [
            ("list-add", "Add message below (Ctrl+Return)", self._add_below),
            ("edit-copy", "Duplicate this message (Ctrl+Shift+D)", self._duplicate),
            ("list-remove", "Delete this message (Ctrl+Shift+Delete)", self._delete),
        ]
        if movable:
            buttons[:0] = [
                ("go-up", "Move up (Alt+Shift+Up)", lambda: self._move(-1)),
                ("go-down", "Move down (Alt+Shift+Down)", lambda: self._move(1)),
            ]
        if self.role == "assistant":
            buttons.insert(0, ("fix", "Add a tool call to this reply", self._add_tool_call))
        self._button_specs = buttons
        self._count = count
        self._buttons: dict[str, QToolButton] = {}
        # The buttons are made on first hover/focus (a 200-message example stays quick to show);
        # they appear over the header's right end, so nothing moves when they do.
        self.actions_box.setFixedSize(len(buttons) * _BUTTON_WIDTH, _BUTTON_WIDTH)

    def _body(self, layout: QVBoxLayout, message: dict[str, Any]) -> None:
        content = message.get("content")
        if isinstance(content, list):
            for index, part in enumerate(content):
                kind = part.get("type") if isinstance(part, dict) else None
                if kind == "text" and isinstance(part.get("text"), str):
                    editor = self._make_editor(f"Text part {index + 1}")
                    editor.edited.connect(lambda text, i=index: self._part_edited(i, text))
                    self._part_editors[index] = editor
                    layout.addWidget(editor)
                elif kind == "image_url":
                    chip = Chip(*_image_chip_text(part), "image")
                    self._image_chips[index] = chip
                    layout.addWidget(chip, 0, Qt.AlignmentFlag.AlignLeft)
                else:
                    name = kind if isinstance(kind, str) else "unknown"
                    tip = f"A “{name}” part. It is kept as it is; edit it in the Raw JSON tab."
                    layout.addWidget(Chip(f"{name} part", tip), 0, Qt.AlignmentFlag.AlignLeft)
        elif content is None or isinstance(content, str):
            editor = self._make_editor("Message text")
            if content is None and edits.tool_calls(message):
                editor.setPlaceholderText("No text: this reply only calls tools. Type to add text.")
            editor.edited.connect(self._content_edited)
            self._content_editor: GrowingTextEdit | None = editor
            layout.addWidget(editor)
            return
        else:
            tip = "This message's content is not text. It is kept as it is; edit it in the Raw JSON tab."
            layout.addWidget(Chip("Content that is not text", tip), 0, Qt.AlignmentFlag.AlignLeft)
        self._content_editor = None

    def _make_editor(self, what: str) -> GrowingTextEdit:
        editor = GrowingTextEdit()
        editor.setPlaceholderText(_PLACEHOLDERS.get(self.role, "Message text…"))
        editor.setAccessibleName(f"{what} of message {self.position + 1} ({role_label(self.role)})")
        editor.setToolTip(
            f"{role_label(self.role)} message. Alt+Down / Alt+Up: next / previous message."
        )
        editor.viewport().setAutoFillBackground(False)
        editor.setStyleSheet("QTextEdit { background: transparent; }")
        editor.focus_changed.connect(self._editor_focus)
        self.editors.append(editor)
        return editor

    # ---- showing ----------------------------------------------------------------------------
    def update_message(self, value: Any, message: Any) -> None:
        """Show the message's current data in place (same structure; text may differ)."""
        message = message if isinstance(message, dict) else {}
        if self._content_editor is not None:
            content = message.get("content")
            self._content_editor.set_text(content if isinstance(content, str) else "")
        content = message.get("content")
        for index, editor in self._part_editors.items():
            if isinstance(content, list) and index < len(content):
                editor.set_text(str(content[index].get("text", "")))
        for index, chip in self._image_chips.items():  # (the same shape, another picture)
            if isinstance(content, list) and index < len(content):
                chip.set_content(*_image_chip_text(content[index]))
        trained = edits.is_trained(message)
        if self.train is not None:
            self.train.setChecked(trained)
        if trained != self._trained:
            self._trained = trained
            self.setToolTip(
                "" if trained else "The model reads this reply but does not learn from it."
            )
            self.update()
        if self.tool_calls is not None:
            self.tool_calls.update_calls(edits.tool_calls(message))
        if self.answer is not None:
            self.answer.update_answer(value, message)
        name = message.get("name")
        self.name_label.setText(f"name: {name}" if isinstance(name, str) and name else "")
        others = [k for k in message if k not in KNOWN_KEYS]
        self.extras.setText("Also kept as is: " + ", ".join(others) if others else "")
        self.extras.setVisible(bool(others))

    def set_tokens(self, count: int | None) -> None:
        if count is None:
            self.tokens.setText("…")
            self.tokens.setToolTip("Tokens in this message (the token counter is still loading)")
        else:
            self.tokens.setText(f"{count:,} tokens")
            self.tokens.setToolTip(f"This message uses {count:,} tokens, including its role.")

    def focus_editor(self) -> None:
        target: QWidget = self.editors[0] if self.editors else self.role_combo
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _editor_focus(self, focused: bool) -> None:
        self._focused = focused
        self._show_actions()
        self.update()

    @property
    def buttons(self) -> dict[str, QToolButton]:
        """The message's action buttons (move, duplicate, delete, …), made when first needed."""
        if not self._buttons:
            self._make_buttons()
        return self._buttons

    def _make_buttons(self) -> None:
        actions = QHBoxLayout(self.actions_box)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(0)
        for name, tip, slot in self._button_specs:
            button = QToolButton()
            button.setIcon(icon(name))
            button.setIconSize(QSize(16, 16))
            button.setAutoRaise(True)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            button.clicked.connect(slot)
            actions.addWidget(button)
            self._buttons[name] = button
        if "go-up" in self._buttons:
            self._buttons["go-up"].setEnabled(self.position > 0)
            self._buttons["go-down"].setEnabled(self.position < self._count - 1)

    def _show_actions(self) -> None:
        visible = self._focused or self.underMouse()
        if visible and not self._buttons:
            self._make_buttons()
        self.actions_box.setVisible(visible)
        if visible:
            self._place_actions()
            self.actions_box.raise_()

    def _place_actions(self) -> None:
        """Top right, over the token count. In a narrow bubble the move buttons fold away first
        (Alt+Shift+Up/Down still move the message), so the role stays in view."""
        box = self.actions_box
        # (isHidden, not isVisible: a new bubble is focused before it is shown, and then laid
        # out; skipped then, its five buttons stayed over the role box's arrow)
        if self._buttons and not box.isHidden():
            room = self.width() - self.role_combo.geometry().right() - 16
            shown = [n for n, _, _ in self._button_specs]
            for name in ("go-up", "go-down", "fix"):
                if len(shown) * _BUTTON_WIDTH <= room:
                    break
                if name in shown:
                    shown.remove(name)
            for name, button in self._buttons.items():
                button.setVisible(name in shown)
            box.setFixedWidth(len(shown) * _BUTTON_WIDTH)
        box.move(max(0, self.width() - box.width() - 8), 6)
        palette = box.palette()
        palette.setColor(QPalette.ColorRole.Window, role_colors(self.role).background)
        box.setPalette(palette)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_actions()

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self._show_actions()

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._show_actions()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        background, accent = QColor(self.colors.background), QColor(self.colors.accent)
        border = QPen(accent if self._focused else QColor(0, 0, 0, 0), 1.5)
        if not self._trained:  # a reply the model does not learn from looks faded and dashed
            background = self.palette().color(QPalette.ColorRole.Base)
            accent.setAlpha(110)
            border = QPen(
                accent if not self._focused else self.colors.accent, 1.2, Qt.PenStyle.DashLine
            )
        painter.setPen(border)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 10, 10)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(
            QRectF(rect.left() + 3, rect.top() + 10, 4, rect.height() - 20), 2, 2
        )
        painter.end()
        super().paintEvent(event)

    # ---- requests ---------------------------------------------------------------------------
    def _emit(self, change: Change) -> None:
        self.change_requested.emit(change)

    def _content_edited(self, text: str) -> None:
        ref = self.ref
        self._emit(
            Change(lambda v: edits.set_content(v, ref, text), "Typing", f"{ref_key(ref)}:content")
        )

    def _part_edited(self, index: int, text: str) -> None:
        ref = self.ref
        self._emit(
            Change(
                lambda v: edits.set_part_text(v, ref, index, text),
                "Typing",
                f"{ref_key(ref)}:part{index}",
            )
        )

    def _role_picked(self, row: int) -> None:
        role = self.role_combo.itemData(row)
        if role == self.role:
            return
        ref = self.ref
        label = role_label(role)
        self._emit(
            Change(lambda v: edits.set_role(v, ref, role), f"Make message {label}", focus=ref)
        )

    def _train_clicked(self, checked: bool) -> None:
        ref = self.ref
        text = "Train on reply" if checked else "Do not train on reply"
        self._emit(Change(lambda v: edits.set_trained(v, ref, checked), text))

    def _move(self, delta: int) -> None:
        ref = self.ref
        target = (*ref[:-1], self.position + delta)
        self._emit(
            Change(lambda v: edits.move_message(v, ref, delta), "Move message", focus=target)
        )

    def _duplicate(self) -> None:
        ref = self.ref
        target = (*ref[:-1], self.position + 1)
        self._emit(
            Change(lambda v: edits.duplicate_message(v, ref), "Duplicate message", focus=target)
        )

    def _delete(self) -> None:
        ref = self.ref
        target = (*ref[:-1], max(0, self.position - 1))
        self._emit(Change(lambda v: edits.remove_message(v, ref), "Delete message", focus=target))

    def _add_below(self) -> None:
        ref = self.ref
        at = self.position + 1
        message = {"role": edits.suggested_role(self.role), "content": ""}
        self._emit(
            Change(
                lambda v: edits.insert_message(v, ref[:-1], at, message),
                "Add message",
                focus=(*ref[:-1], at),
            )
        )

    def _add_tool_call(self) -> None:
        ref = self.ref
        self._emit(Change(lambda v: edits.add_tool_call(v, ref), "Add tool call", focus=ref))
