"""A preference pair (DPO): the prompt as bubbles, then the preferred and non-preferred replies
side by side — or one under the other when the editor is too narrow for two columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from desktop_app.core.dataset.edits import NON_PREFERRED_LIST, PREFERRED_LIST, PROMPT_LIST
from desktop_app.ui.editor.message_bubble import MessageBubble
from desktop_app.ui.editor.message_list import FIRST_CHUNK, MessageListView

SIDE_MIN_WIDTH = 260  # narrower than this, the two replies go one under the other


class PreferenceView(QWidget):
    change_requested = Signal(object)
    bubbles_added = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.prompt = MessageListView(PROMPT_LIST, title="Prompt", title_icon="chat")
        self.preferred = MessageListView(
            PREFERRED_LIST,
            title="Preferred reply",
            title_icon="review-approved",
            chat_layout=False,
            train_switch=False,
            new_role="assistant",
            single=True,
        )
        self.non_preferred = MessageListView(
            NON_PREFERRED_LIST,
            title="Non-preferred reply",
            title_icon="review-needs-work",
            chat_layout=False,
            train_switch=False,
            new_role="assistant",
            single=True,
        )
        self.preferred.setToolTip("The reply the model should learn to prefer.")
        self.non_preferred.setToolTip("The reply the model should learn to avoid.")
        layout.addWidget(self.prompt)
        # The two replies' box does not ask for the width of two columns (Ignored), so the view
        # follows the editor's width and resizeEvent can choose columns or rows for it.
        self.sides_box = QWidget(self)
        self.sides_box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sides = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.sides_box)
        self.sides.setContentsMargins(0, 0, 0, 0)
        self.sides.setSpacing(12)
        self.sides.addWidget(self.preferred, 1)
        self.sides.addWidget(self.non_preferred, 1)
        layout.addWidget(self.sides_box)
        for part in self.lists:
            part.change_requested.connect(self.change_requested)
            part.bubbles_added.connect(self.bubbles_added)

    @property
    def side_by_side(self) -> bool:
        return self.sides.direction() is QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        needed = (
            max(self.preferred.minimumSizeHint().width(), SIDE_MIN_WIDTH)
            + max(self.non_preferred.minimumSizeHint().width(), SIDE_MIN_WIDTH)
            + self.sides.spacing()
        )
        wanted = (
            QBoxLayout.Direction.LeftToRight
            if event.size().width() >= needed
            else QBoxLayout.Direction.TopToBottom
        )
        if self.sides.direction() is not wanted:
            self.sides.setDirection(wanted)

    @property
    def lists(self) -> list[MessageListView]:
        return [self.prompt, self.preferred, self.non_preferred]

    @property
    def bubbles(self) -> list[MessageBubble]:
        return [b for part in self.lists for b in part.bubbles]

    def ensure_built(self) -> None:
        for part in self.lists:
            part.ensure_built()

    def show_value(self, value: Any, first: int = FIRST_CHUNK) -> None:
        for part in self.lists:
            part.show_value(value, first)
