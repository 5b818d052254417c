"""A column of message bubbles for one list of messages, with an "Add message" button."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import Path
from desktop_app.ui.editor.change import Change
from desktop_app.ui.editor.look import icon
from desktop_app.ui.editor.message_bubble import MessageBubble
from desktop_app.ui.layouts import nested

_INDENT = 48  # user messages sit to the right, replies to the left, like a chat


FIRST_CHUNK = 12  # bubbles shown at once (a screenful); the rest follow in chunks between events
NEW_RECORD_CHUNK = 2  # when another example is shown: its first bubbles, then the rest (~7 ms each)
CHUNK = 8


class MessageListView(QWidget):
    change_requested = Signal(object)
    bubbles_added = Signal()

    def __init__(
        self,
        list_path: Path,
        *,
        title: str = "",
        title_icon: str = "",
        chat_layout: bool = True,
        train_switch: bool = True,
        movable: bool = True,
        new_role: str | None = None,
        single: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.list_path = list_path
        self.chat_layout = chat_layout
        self.train_switch = train_switch
        self.movable = movable
        self.new_role = new_role
        self.single = single  # holds one message (a DPO reply): offer "Add" only when empty
        self.bubbles: list[MessageBubble] = []
        self._shape: tuple[Any, ...] | None = None
        self._total = 0
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        if title:
            heading = QLabel(title)
            heading.setObjectName("listTitle")
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            row = nested(self._layout)
            if title_icon:
                badge = QLabel()
                badge.setPixmap(icon(title_icon).pixmap(18, 18))
                row.addWidget(badge)
            row.addWidget(heading)
            row.addStretch(1)
        self._rows_widget = self._new_rows()
        self._layout.addWidget(self._rows_widget)
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.timeout.connect(self._build_more)
        self._trash: list[MessageBubble] = []
        self._trash_rows: list[QWidget] = []
        self._sweep = QTimer(self)
        self._sweep.setSingleShot(True)
        self._sweep.timeout.connect(self._sweep_some)
        self.add_button = QPushButton(icon("list-add"), "Add message")
        self.add_button.setFlat(True)
        self.add_button.setToolTip("Add a message at the end (Ctrl+Return)")
        self.add_button.setAccessibleName(f"Add message to {title or 'the conversation'}")
        self.add_button.clicked.connect(self.add_at_end)
        self._layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._layout.addStretch(1)  # side-by-side columns line up at the top
        self._value: Any = None

    def show_value(self, value: Any, first: int = FIRST_CHUNK) -> None:
        """Show the list inside `value`: update bubbles in place, or rebuild when the shape changed.

        `first` bubbles are built at once, the rest in chunks between events, so the window never
        freezes. An edit rebuilds a screenful at once (no flicker); showing another example
        builds fewer first (NEW_RECORD_CHUNK), so the click answers within a frame or two.
        """
        self._value = value
        messages = edits.message_list(value, self.list_path)
        self.add_button.setVisible(not (self.single and messages))
        shape = edits.structure(value, [self.list_path])
        if shape == self._shape:
            for bubble, message in zip(self.bubbles, messages, strict=False):
                bubble.update_message(value, message)
            return
        self._shape = shape
        self._total = len(messages)
        old = self._rows_widget
        self._rows_widget = self._new_rows()
        replaced = self._layout.replaceWidget(old, self._rows_widget)
        if replaced is not None:
            shiboken6.delete(replaced)  # Qt hands the old item over: ours to delete
        old.hide()
        self._discard(old, self.bubbles)
        self.bubbles = []
        self._build_until(first)

    def _discard(self, rows: QWidget, bubbles: list[MessageBubble]) -> None:
        """Free the old bubbles a chunk at a time, so leaving a long conversation never stalls."""
        self._trash.extend(bubbles)
        self._trash_rows.append(rows)
        self._sweep.start(0)

    def _sweep_some(self) -> None:
        batch, self._trash = self._trash[:CHUNK], self._trash[CHUNK:]
        for bubble in batch:
            bubble.change_requested.disconnect(self.change_requested)
            bubble.setParent(None)  # Python holds the last reference: freed right here
        if self._trash:
            self._sweep.start(0)
            return
        for rows in self._trash_rows:
            rows.deleteLater()
        self._trash_rows = []

    @property
    def complete(self) -> bool:
        return len(self.bubbles) >= self._total

    def ensure_built(self) -> None:
        self._build_until(self._total)

    def _build_more(self) -> None:
        self._build_until(len(self.bubbles) + CHUNK)

    def _build_until(self, stop: int) -> None:
        messages = edits.message_list(self._value, self.list_path)
        rows = self._rows_widget.layout()
        assert isinstance(rows, QVBoxLayout)
        start = len(self.bubbles)
        for index in range(start, min(stop, len(messages))):
            bubble = MessageBubble(
                (*self.list_path, index),
                self._value,
                messages[index],
                count=len(messages),
                train_switch=self.train_switch,
                movable=self.movable,
            )
            bubble.change_requested.connect(self.change_requested)
            self.bubbles.append(bubble)
            self._fill_row(nested(rows), bubble)
        if self.complete:
            self._more.stop()
        else:
            self._more.start(0)
        if len(self.bubbles) > start:
            self.bubbles_added.emit()

    def _new_rows(self) -> QWidget:
        rows = QWidget()
        layout = QVBoxLayout(rows)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        return rows

    def _fill_row(self, row: QBoxLayout, bubble: MessageBubble) -> None:
        row.setContentsMargins(0, 0, 0, 0)
        if self.chat_layout and bubble.role == "user":
            row.addWidget(_Indent())
        row.addWidget(bubble)
        if self.chat_layout and bubble.role == "assistant":
            row.addWidget(_Indent())

    def add_at_end(self) -> None:
        messages = edits.message_list(self._value, self.list_path)
        last = messages[-1].get("role") if messages and isinstance(messages[-1], dict) else None
        role = self.new_role or edits.suggested_role(last)
        at = len(messages)
        list_path = self.list_path
        message = {"role": role, "content": ""}
        self.change_requested.emit(
            Change(
                lambda v: edits.insert_message(v, list_path, at, message),
                "Add message",
                focus=(*list_path, at),
            )
        )


class _Indent(QWidget):
    """The chat indent: its full width where the pane has room, less (down to none) where a
    narrow pane needs it for the bubble. A widget, not a QSpacerItem made in Python: that one's
    wrapper would outlive the item (tests/ui/test_layout_item_wrappers.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)

    def sizeHint(self) -> QSize:
        return QSize(_INDENT, 0)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, 0)
