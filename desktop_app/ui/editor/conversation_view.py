"""The "Conversation" tab: the example as bubbles, or a plain notice when the line is not one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import CHAT_LIST, Path
from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind
from desktop_app.ui.editor.change import Change
from desktop_app.ui.editor.look import icon
from desktop_app.ui.editor.message_bubble import MessageBubble
from desktop_app.ui.editor.message_list import FIRST_CHUNK, MessageListView
from desktop_app.ui.editor.preference_view import PreferenceView

MIN_WIDTH = 300  # a bubble's header (role, tokens) and the chat indent fit; the text wraps
STARTER = {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": ""}]}


def _start_conversation(value: Any) -> Any:
    if isinstance(value, dict):
        return {**STARTER, **{k: v for k, v in value.items() if k != "messages"}}
    return {"messages": [dict(m) for m in STARTER["messages"]]}


class Notice(QFrame):
    """A sentence about the line, with up to one action button."""

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        self.badge = QLabel()
        grid.addWidget(self.badge, 0, 0, Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.text, 0, 1)
        grid.setColumnStretch(1, 1)
        # under the sentence, not beside it: beside it, it made a narrow pane's page too wide
        self.button = QPushButton()
        self.button.clicked.connect(self.action_clicked)
        grid.addWidget(self.button, 1, 1, Qt.AlignmentFlag.AlignLeft)

    def show_notice(self, icon_name: str, text: str, action: str = "") -> None:
        self.badge.setPixmap(icon(icon_name).pixmap(20, 20))
        self.text.setText(text)
        self.button.setText(action)
        self.button.setAccessibleName(action)
        self.button.setVisible(bool(action))
        self.show()


NONE_CHOSEN = "Select an example to see it here."


class ConversationView(QScrollArea):
    change_requested = Signal(object)
    bubbles_added = Signal()
    raw_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(MIN_WIDTH)
        page = QWidget()
        page.setObjectName("conversationPage")
        page.setBackgroundRole(QPalette.ColorRole.Base)
        page.setAutoFillBackground(True)
        self._layout = QVBoxLayout(page)
        self._layout.setContentsMargins(16, 12, 16, 16)
        self._layout.setSpacing(10)
        self.notice = Notice()
        self.notice.hide()
        self.notice.action_clicked.connect(self._notice_action)
        self._layout.addWidget(self.notice)
        self.tools_label = QLabel()
        self.tools_label.setWordWrap(True)
        self.tools_label.setEnabled(False)
        self.tools_label.hide()
        self._layout.addWidget(self.tools_label)
        self.chat = MessageListView(CHAT_LIST)
        self.chat.change_requested.connect(self.change_requested)
        self.chat.bubbles_added.connect(self.bubbles_added)
        self.chat.hide()
        self._layout.addWidget(self.chat)
        self.preference = PreferenceView()
        self.preference.change_requested.connect(self.change_requested)
        self.preference.bubbles_added.connect(self.bubbles_added)
        self.preference.hide()
        self._layout.addWidget(self.preference)
        self._layout.addStretch(1)
        self.setWidget(page)
        self._action: Change | None = None
        self._action_is_raw = False

    @property
    def bubbles(self) -> list[MessageBubble]:
        if self.chat.isVisibleTo(self):
            return list(self.chat.bubbles)
        if self.preference.isVisibleTo(self):
            return self.preference.bubbles
        return []

    def show_line(
        self,
        parsed: ParsedLine | None,
        first: int = FIRST_CHUNK,
        nothing: str = NONE_CHOSEN,
    ) -> None:
        """Show a parsed line (or `nothing`, said when there is none); keeps bubbles where only
        text changed.

        `first`: how many bubbles to build at once (see MessageList.show_value)."""
        self._action, self._action_is_raw = None, False
        kind = parsed.kind if parsed is not None else None
        value: Any = parsed.value if parsed is not None else None  # a dict for chat and pairs
        self.notice.hide()
        self.tools_label.hide()
        self.chat.setVisible(kind is RecordKind.CHAT)
        self.preference.setVisible(kind is RecordKind.PREFERENCE)
        if parsed is None:
            self.notice.show_notice("severity-info", nothing)
        elif kind is RecordKind.CHAT:
            self.chat.show_value(value, first)
            self._show_tools(value)
            if not isinstance(value.get("messages"), list):
                self.notice.show_notice(
                    "severity-error",
                    "The “messages” field of this line is not a list, so it cannot be shown as a "
                    "conversation. Fix it in the Raw JSON tab.",
                    "Open Raw JSON",
                )
                self._action_is_raw = True
        elif kind is RecordKind.PREFERENCE:
            self.preference.show_value(value, first)
            self._show_tools(value.get("input"))
        elif kind is RecordKind.BLANK:
            self._offer(
                "This line is empty. It stays in your file but is never sent for training.",
                "Start a conversation here",
                Change(_start_conversation, "Start a conversation"),
                "severity-info",  # as the Problems list marks a blank line
            )
        elif kind is RecordKind.BROKEN:
            self.notice.show_notice(
                "severity-error",
                f"{parsed.error} Fix the line in the Raw JSON tab; it shows up here as a "
                "conversation as soon as it can be read.",
                "Fix in Raw JSON",
            )
            self._action_is_raw = True
        else:
            self._show_other(value)

    def _show_other(self, value: Any) -> None:
        converted = edits.legacy_to_chat(value)
        if converted is not None:
            self._offer(
                "This example is in the older prompt/completion format. Chat models learn from "
                "conversations, so it cannot be used as it is. Converting turns the prompt into "
                "a user message and the completion into the assistant's reply.",
                "Convert to chat",
                Change(lambda v: edits.legacy_to_chat(v), "Convert to chat"),
            )
            return
        keys = ", ".join(f"“{k}”" for k in list(value)[:6]) or "nothing"
        self._offer(
            f"This line is JSON but not a conversation: it has no “messages” list (it has "
            f"{keys}). Starting a conversation keeps those fields and adds an empty one.",
            "Start a conversation",
            Change(_start_conversation, "Start a conversation"),
        )

    def _offer(
        self, text: str, action: str, change: Change, severity: str = "severity-error"
    ) -> None:
        """A notice with a button that changes the line; its badge the Problems list's mark
        for the line (an error unless said otherwise)."""
        self.notice.show_notice(severity, text, action)
        self._action = change

    def _show_tools(self, holder: Any) -> None:
        tools = holder.get("tools") if isinstance(holder, dict) else None
        if not isinstance(tools, list) or not tools:
            return
        names = []
        for tool in tools:
            function = tool.get("function") if isinstance(tool, dict) else None
            name = function.get("name") if isinstance(function, dict) else None
            names.append(name if isinstance(name, str) else "unnamed")
        self.tools_label.setText("Tools this example offers: " + ", ".join(names))
        self.tools_label.show()

    def _notice_action(self) -> None:
        if self._action_is_raw:
            self.raw_requested.emit()
        elif self._action is not None:
            self.change_requested.emit(self._action)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab from a message's text goes on to the next message's text, as in a form. (It went
        to the next message's role, where the reply being typed picked roles by their letters.)
        The role and the other controls stay one Shift+Tab back from their text."""
        if next and self._tab_to_next_text():
            return True
        return super().focusNextPrevChild(next)

    def _tab_to_next_text(self) -> bool:
        focus = self.window().focusWidget()
        bubbles = self.bubbles
        here = next((i for i, b in enumerate(bubbles) if b.editors and b.editors[-1] is focus), -1)
        if here < 0:
            return False
        self.ensure_built()
        for bubble in self.bubbles[here + 1 :]:
            if bubble.editors:
                bubble.editors[0].setFocus(Qt.FocusReason.TabFocusReason)
                self.ensureWidgetVisible(bubble, 0, 40)
                return True
        return False

    def ensure_built(self) -> None:
        """Build every bubble now (a long conversation is otherwise built in chunks)."""
        if self.chat.isVisibleTo(self):
            self.chat.ensure_built()
        elif self.preference.isVisibleTo(self):
            self.preference.ensure_built()

    def bubble_for(self, ref: Path) -> MessageBubble | None:
        found = next((b for b in self.bubbles if b.ref == ref), None)
        if found is None:
            self.ensure_built()
            found = next((b for b in self.bubbles if b.ref == ref), None)
        return found
