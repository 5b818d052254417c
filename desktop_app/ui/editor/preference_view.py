"""A preference pair (DPO): the prompt as bubbles, then the preferred and non-preferred replies
side by side."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from desktop_app.core.edits import NON_PREFERRED_LIST, PREFERRED_LIST, PROMPT_LIST
from desktop_app.ui.editor.message_bubble import MessageBubble
from desktop_app.ui.editor.message_list import MessageListView


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
        sides = QHBoxLayout()
        sides.setSpacing(12)
        sides.addWidget(self.preferred, 1)
        sides.addWidget(self.non_preferred, 1)
        layout.addLayout(sides)
        for part in self.lists:
            part.change_requested.connect(self.change_requested)
            part.bubbles_added.connect(self.bubbles_added)

    @property
    def lists(self) -> list[MessageListView]:
        return [self.prompt, self.preferred, self.non_preferred]

    @property
    def bubbles(self) -> list[MessageBubble]:
        return [b for part in self.lists for b in part.bubbles]

    def ensure_built(self) -> None:
        for part in self.lists:
            part.ensure_built()

    def show_value(self, value: Any) -> None:
        for part in self.lists:
            part.show_value(value)
