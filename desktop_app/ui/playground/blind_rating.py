"""Blind rating: two replies to one prompt, in a stored random order, with no model names.

Keys: 1 or ← (the first reply is better), 2 or → (the second), T or ↓ (about the same),
Backspace or ↑ (back to the previous prompt). The panel only reports the choice; the window
records it in the comparison and moves on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.trying.comparison import Comparison
from desktop_app.ui.playground.chat_column import GrowingText
from desktop_app.ui.theme import role_colors

KEYS = {
    Qt.Key.Key_1: "1",
    Qt.Key.Key_Left: "1",
    Qt.Key.Key_2: "2",
    Qt.Key.Key_Right: "2",
    Qt.Key.Key_T: "tie",
    Qt.Key.Key_Down: "tie",
}
BACK_KEYS = (Qt.Key.Key_Backspace, Qt.Key.Key_Up)


def _reader(name: str, parent: QWidget) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setReadOnly(True)
    box.setObjectName(name)
    box.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the rating, not the text
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    return box


def _box(name: str, role: str, parent: QWidget) -> GrowingText:
    """A read-only text in its role's colour that grows with its text (up to 8 lines)."""
    box = GrowingText(parent, max_lines=8)
    box.setObjectName(name)
    box.setReadOnly(True)
    box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    box.setStyleSheet(
        f"QTextEdit {{ background: {role_colors(role).background.name()}; border-radius: 6px; }}"
    )
    box.document().setDocumentMargin(6)
    return box


class BlindRatingPanel(QFrame):
    """Shows one prompt and its two replies unlabelled; emits the choice."""

    rated = Signal(int, str)  # row, "1" / "2" / "tie"
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("blind-rating")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Blind rating")
        self.row = -1
        self.position = QLabel(self)
        self.position.setObjectName("blind-position")
        self.system = QLabel(self)
        self.system.setWordWrap(True)
        self.system.setEnabled(False)
        self.prompt = _box("blind-prompt", "user", self)
        self.show_reference = QCheckBox("Show the reference reply from your data", self)
        self.show_reference.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reference = _box("blind-reference", "assistant", self)
        self.reference.hide()
        self.show_reference.toggled.connect(self.reference.setVisible)

        self.first = _reader("blind-first", self)
        self.second = _reader("blind-second", self)
        replies = QSplitter(Qt.Orientation.Horizontal, self)
        for title, box in (("Reply 1", self.first), ("Reply 2", self.second)):
            holder = QWidget(replies)
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            heading = QLabel(f"<b>{title}</b>", holder)
            column.addWidget(heading)
            column.addWidget(box, 1)
            replies.addWidget(holder)
        replies.setChildrenCollapsible(False)

        self.pick_first = self._button("Reply 1 is better   [1 or ←]", "1")
        self.pick_tie = self._button("About the same   [T or ↓]", "tie")
        self.pick_second = self._button("Reply 2 is better   [2 or →]", "2")
        self.back = QPushButton("Previous   [↑]", self)
        self.back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back.clicked.connect(self.back_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        for button in (self.pick_first, self.pick_tie, self.pick_second):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.position)
        layout.addWidget(self.system)
        layout.addWidget(QLabel("<b>Prompt</b>", self))
        layout.addWidget(self.prompt)
        layout.addWidget(self.show_reference)
        layout.addWidget(self.reference)
        layout.addWidget(replies, 1)
        layout.addLayout(buttons)

    def _button(self, text: str, choice: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        button.setProperty("choice", choice)
        button.setCheckable(True)  # shows the choice already made for this prompt
        button.clicked.connect(self._on_button)
        return button

    def show_row(self, comparison: Comparison, index: int) -> None:
        """Show prompt `index` with its replies in the comparison's stored blind order."""
        self.row = index
        row = comparison.rows[index]
        rated = comparison.summary().rated
        ratable = sum(1 for r in comparison.rows if r.ratable)
        self.position.setText(
            f"Prompt {index + 1} of {len(comparison.rows)} · {rated} of {ratable} rated · "
            "Which reply is better? The models' names stay hidden until the summary."
        )
        system = row.prompt.system
        self.system.setText(f"System prompt: {system}" if system else "")
        self.system.setVisible(bool(system))
        history = "".join(f"{m.role.capitalize()}: {m.content}\n\n" for m in row.prompt.history)
        self.prompt.setPlainText(history + row.prompt.text)
        self.reference.setPlainText(row.prompt.reference or "(This prompt has no reference reply.)")
        first, second = row.blind_sides()
        first_reply, second_reply = row.reply(first), row.reply(second)
        self.first.setPlainText(first_reply.text if first_reply is not None else "")
        self.second.setPlainText(second_reply.text if second_reply is not None else "")
        current = {first: "1", second: "2", "tie": "tie"}.get(row.rating or "")
        for button in (self.pick_first, self.pick_tie, self.pick_second):
            button.setChecked(button.property("choice") == current)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_button(self) -> None:
        button = self.sender()
        choice = button.property("choice") if button is not None else None
        if isinstance(choice, str) and self.row >= 0:
            self.rated.emit(self.row, choice)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in KEYS and self.row >= 0:
            self.rated.emit(self.row, KEYS[key])
            event.accept()
        elif key in BACK_KEYS:
            self.back_requested.emit()
            event.accept()
        else:
            super().keyPressEvent(event)
