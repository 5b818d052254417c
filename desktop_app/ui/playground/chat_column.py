"""One model's side of the playground: the model picker and the conversation as bubbles.

Replies stream into their bubble from a worker and can be stopped; once a reply is complete (or
stopped) it can be edited, and “Add to dataset” asks the window to add the conversation up to
that reply as a new example.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.trying.endpoints import Endpoint, ProviderPool, stream_reply, to_chat_messages
from desktop_app.qt.tasks import CancelToken, Worker
from desktop_app.ui.errors import describe
from desktop_app.ui.icons import icon
from desktop_app.ui.playground.endpoint_picker import EndpointPicker
from desktop_app.ui.playground.services import TryServices
from desktop_app.ui.theme import RoleColors, role_colors, severity_color


class GrowingText(QTextEdit):
    """Plain text that grows with its content (the conversation scrolls, not the box)."""

    def __init__(self, parent: QWidget | None = None, *, max_lines: int = 0) -> None:
        super().__init__(parent)
        self._max_lines = max_lines  # 0: no limit; beyond it the box scrolls
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setStyleSheet("QTextEdit { background: transparent; }")
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        height = int(self.document().size().height()) + self.frameWidth() * 2 + 2
        height = max(height, line + 6)
        if self._max_lines and height > line * self._max_lines + 6:
            height = line * self._max_lines + 6
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        if height != self.height():
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def append_text(self, text: str) -> None:
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)


class ChatBubble(QFrame):
    """One message: who said it, the text, and for replies a status and “Add to dataset”."""

    add_requested = Signal()

    def __init__(self, role: str, title: str, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.role = role
        self.setObjectName(f"bubble-{role}")
        self.header = QLabel(title, self)
        self.header.setWordWrap(True)  # a long model name never widens the bubble
        self._paint_header()
        self.text = GrowingText(self)
        self.text.setPlainText(text)
        self.text.setReadOnly(True)  # a reply becomes editable once it is complete
        self.text.setAccessibleName(f"{title} message")
        self.status = QLabel(self)
        self.status.setObjectName("bubble-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.add_button = QPushButton(icon("list-add"), "Add to dataset", self)
        self.add_button.setToolTip(
            "Add this conversation, ending with this reply (as you edited it), to the dataset"
        )
        self.add_button.setVisible(role == "assistant")
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_requested)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)  # takes the room: wraps only when the column is narrow
        top.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 6, 10, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.text)
        layout.addWidget(self.status)
        self.failed = False
        self.done = role != "assistant"

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        color = severity_color("error" if error else "info").name()
        self.status.setStyleSheet(f"color: {color};")
        self.status.setVisible(bool(text))

    def finish(self, *, failed: bool = False) -> None:
        self.done = True
        self.failed = failed
        if self.role != "assistant":
            return
        has_text = bool(self.text.toPlainText().strip())
        self.add_button.setEnabled(not failed and has_text)
        self.text.setReadOnly(failed)
        self.text.setVisible(has_text or not failed)  # no empty box above an error

    @property
    def colors(self) -> RoleColors:
        """The role's colours in the theme in use now (it can change while the app runs)."""
        return role_colors(self.role)

    def _paint_header(self) -> None:
        self.header.setStyleSheet(f"color: {self.colors.accent.name()}; font-weight: 600;")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the theme changed: a new accent
            self._paint_header()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(QColor(0, 0, 0, 0)))
        painter.setBrush(self.colors.background)
        painter.drawRoundedRect(rect, 10, 10)
        painter.setBrush(self.colors.accent)
        painter.drawRoundedRect(
            QRectF(rect.left() + 3, rect.top() + 10, 4, rect.height() - 20), 2, 2
        )
        painter.end()
        super().paintEvent(event)


@dataclass
class Turn:
    role: str
    bubble: ChatBubble

    @property
    def content(self) -> str:
        return self.bubble.text.toPlainText()

    @property
    def usable(self) -> bool:
        """Part of the conversation sent next time (a failed or empty reply is left out)."""
        return self.role == "user" or (
            self.bubble.done and not self.bubble.failed and bool(self.content.strip())
        )


class ChatColumn(QFrame):
    """A model picker above a conversation; `ask()` sends the next question."""

    busy_changed = Signal(bool)
    add_requested = Signal(object, int)  # this column, the index of the reply's turn

    def __init__(self, services: TryServices, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.title = title
        self.setObjectName(f"column-{title.lower().replace(' ', '-')}")
        self.picker = EndpointPicker(services, title, self)
        self.empty = QLabel("Replies appear here.", self)
        self.empty.setObjectName("empty-note")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.page = QWidget(self)
        self.page_layout = QVBoxLayout(self.page)
        self.page_layout.setContentsMargins(4, 4, 4, 4)
        self.page_layout.setSpacing(8)
        self.page_layout.addWidget(self.empty)
        self.page_layout.addStretch(1)
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.area.setWidget(self.page)
        self.area.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picker)
        layout.addWidget(self.area, 1)
        self.turns: list[Turn] = []
        self._worker: Worker | None = None
        self._stop: threading.Event | None = None
        self._current: ChatBubble | None = None
        self._endpoint: Endpoint | None = None

    # ---- the conversation ------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._worker is not None

    def messages(self, system: str, upto: int | None = None) -> list[dict[str, Any]]:
        """The conversation as chat messages (edits included), up to and with turn `upto`."""
        turns = self.turns if upto is None else self.turns[: upto + 1]
        messages = [{"role": "system", "content": system}] if system.strip() else []
        messages += [{"role": t.role, "content": t.content} for t in turns if t.usable]
        return messages

    def reply_at(self, index: int) -> str | None:
        """The text of the reply at turn `index`, when it is a complete reply."""
        if 0 <= index < len(self.turns) and self.turns[index].role == "assistant":
            turn = self.turns[index]
            return turn.content if turn.usable else None
        return None

    def _add_turn(self, role: str, title: str, text: str = "") -> ChatBubble:
        bubble = ChatBubble(role, title, text, self.page)
        turn = Turn(role, bubble)
        self.turns.append(turn)
        index = len(self.turns) - 1
        if role == "assistant":
            bubble.add_requested.connect(self._on_add_clicked)
            bubble.setProperty("turn", index)
        self.page_layout.insertWidget(self.page_layout.count() - 1, bubble)
        self.empty.hide()
        QTimer.singleShot(0, self._scroll_to_end)
        return bubble

    def copy_from(self, other: ChatColumn) -> None:
        """Start from another column's conversation (when side by side is switched on)."""
        self.clear()
        for turn in other.turns:
            if turn.usable:
                bubble = self._add_turn(turn.role, turn.bubble.header.text(), turn.content)
                bubble.finish()

    def clear(self) -> None:
        self.stop()
        for turn in self.turns:
            turn.bubble.deleteLater()
        self.turns.clear()
        self.empty.show()

    # ---- asking ----------------------------------------------------------------------------
    def ask(self, system: str, question: str) -> bool:
        """Add the question and stream the model's reply; False (and a note) without a model."""
        endpoint = self.picker.endpoint()
        if endpoint is None or self.busy:
            if endpoint is None:
                self.picker.note.setText(self.picker.missing() or "Choose a model first.")
            return False
        messages = [*self.messages(system), {"role": "user", "content": question}]
        self._add_turn("user", "You", question)
        simulated = endpoint.kind == "practice"  # Practice mode answers with canned text
        title = endpoint.display_name + (" · simulated reply" if simulated else "")
        self._current = self._add_turn("assistant", title)
        if simulated:
            self._current.header.setToolTip(
                "Practice mode makes its replies up on this computer: no real model wrote it."
            )
        self._current.set_status("Waiting for the first words…")
        self._endpoint = endpoint
        self._stop = self.services.stop_flag()
        self._worker = self.services.run(
            stream_job,
            self.services.providers,
            endpoint,
            messages,
            stop=self._stop,
            progress=self._on_text,
            succeeded=self._on_done,
            failed=self._on_failed,
            cancelled=self._on_cancelled,
            finished=self._on_finished,
        )
        self.busy_changed.emit(True)
        return True

    @Slot()
    def stop(self) -> None:
        """Stop the reply being written (what arrived stays and can be edited)."""
        if self._stop is not None:
            self._stop.set()
        if self._worker is not None:
            self._worker.cancel()

    @Slot(object)
    def _on_text(self, text: object) -> None:
        if self._current is not None and isinstance(text, str):
            if not self._current.text.toPlainText():
                self._current.set_status("")
            self._current.text.append_text(text)
            self._scroll_to_end()

    @Slot(object)
    def _on_done(self, text: object) -> None:
        bubble = self._current
        if bubble is None:
            return
        if isinstance(text, str) and text != bubble.text.toPlainText():
            bubble.text.setPlainText(text)  # the last pieces, in case a batch was still queued
        bubble.set_status("" if text else "The model sent an empty reply.")
        bubble.finish()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        if self._current is None:
            return
        message, step, _ = describe(error if isinstance(error, BaseException) else Exception())
        self._current.set_status(f"{message} {step}".strip(), error=True)
        self._current.finish(failed=not self._current.text.toPlainText())

    @Slot()
    def _on_cancelled(self) -> None:
        if self._current is None:
            return
        got = bool(self._current.text.toPlainText())
        self._current.set_status("Stopped." if got else "Stopped before the model answered.")
        self._current.finish(failed=not got)

    @Slot()
    def _on_finished(self) -> None:
        self._worker = None
        self._stop = None
        self._current = None
        self.busy_changed.emit(False)

    @Slot()
    def _on_add_clicked(self) -> None:
        bubble = self.sender()
        index = bubble.property("turn") if isinstance(bubble, ChatBubble) else None
        if isinstance(index, int):
            self.add_requested.emit(self, index)

    def _scroll_to_end(self) -> None:
        bar = self.area.verticalScrollBar()
        bar.setValue(bar.maximum())


def stream_job(
    providers: ProviderPool,
    endpoint: Endpoint,
    messages: list[dict[str, Any]],
    *,
    stop: threading.Event,
    cancel: CancelToken,
    progress: Any,
) -> str:
    """Worker: stream one reply, handing new text to `progress` as it arrives."""
    return stream_reply(
        providers.get(endpoint), endpoint, to_chat_messages(messages), cancel=stop, on_text=progress
    )
