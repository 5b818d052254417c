"""The example editor: one record of the dataset as a conversation, or as its raw JSON line.

Every edit becomes an undo command on the window's QUndoStack; the editor then follows the
dataset's events, so undo/redo (from anywhere) and edits made elsewhere show up here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from superqt import QElidingLabel

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from desktop_app.core.analysis.checker_process import CheckerUnavailable
from desktop_app.core.dataset import edits
from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.core.tokens.counts import TOKENS_PER_EXAMPLE, ExampleTokens
from desktop_app.qt.commands import SetTextCommand, SetValueCommand
from desktop_app.ui.editor.change import Change
from desktop_app.ui.editor.conversation_view import NONE_CHOSEN, ConversationView
from desktop_app.ui.editor.message_bubble import MessageBubble
from desktop_app.ui.editor.message_list import FIRST_CHUNK, NEW_RECORD_CHUNK
from desktop_app.ui.editor.raw_json_editor import RawJsonEditor
from desktop_app.ui.layouts import nested


class Counter(Protocol):
    """Counts tokens of examples (a TokenCounter, or the checker process's TokenCounts)."""

    def count_examples(self, values: Sequence[Any]) -> list[ExampleTokens | None]: ...


CounterFn = Callable[[], Counter | None]
COUNT_DELAY_MS = 150  # token counts follow typing after this pause
COUNTER_RETRY_MS = 400  # while the tokenizer is still loading
_KIND_LABELS = {
    RecordKind.CHAT: "Conversation",
    RecordKind.PREFERENCE: "Preference pair",
    RecordKind.BLANK: "Empty line",
    RecordKind.BROKEN: "Line that cannot be read",
    RecordKind.OTHER: "Not a conversation",
}


def _no_counter() -> Counter | None:
    return None


NO_EXAMPLES = "No examples yet. Click Add Example to write the first one, or open a file."


class ExampleEditor(QWidget):
    record_edited = Signal(int)

    CONVERSATION_TAB = 0
    RAW_TAB = 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self._stack: QUndoStack | None = None
        self._counter: CounterFn = _no_counter
        self._index: int | None = None
        self._parsed: ParsedLine | None = None
        self._source: str | None = None  # which tab the edit being applied came from
        self._pending_focus: edits.Path | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.header = QElidingLabel()  # superqt: elides a long header, the tooltip has it all
        self.header.setObjectName("editorHeader")
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.setAccessibleName("Shown example")
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        header_row = nested(layout)  # margins outside the label: it elides to its own width
        header_row.setContentsMargins(12, 8, 12, 4)
        header_row.addWidget(self.header)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.conversation = ConversationView()
        self.conversation.change_requested.connect(self.apply_change)
        self.conversation.raw_requested.connect(self._open_raw)
        self.conversation.bubbles_added.connect(self._schedule_counts)
        self.raw = RawJsonEditor()
        self.raw.edited.connect(self._raw_edited)
        self.tabs.addTab(self.conversation, "Conversation")
        self.tabs.addTab(self.raw, "Raw JSON")
        self.tabs.setTabToolTip(0, "The example as messages you can edit")
        self.tabs.setTabToolTip(1, "The example's line exactly as the file holds it")
        layout.addWidget(self.tabs, 1)
        self._raw_by_choice = False  # the writer clicked Raw JSON (kept from example to example)
        self.tabs.tabBarClicked.connect(self._tab_clicked)

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.timeout.connect(self._update_counts)
        self._shortcuts()
        self._refresh(None)

    def _set_header(self, text: str) -> None:
        self.header.setText(text)
        self.header.setToolTip(text)

    # ---- public API -------------------------------------------------------------------------
    def set_context(self, dataset: Dataset, undo_stack: QUndoStack, counter: CounterFn) -> None:
        self._disconnect()
        self._dataset, self._stack, self._counter = dataset, undo_stack, counter
        dataset.changed.connect(self._on_changed)
        dataset.inserted.connect(self._on_inserted)
        dataset.removed.connect(self._on_removed)
        dataset.reset.connect(self._on_reset)
        self.show_record(None)

    def show_record(self, index: int | None) -> None:
        if index == self._index and index is not None:
            return
        self._index = index
        self._refresh(None, first=NEW_RECORD_CHUNK)
        if self._parsed is not None and self._parsed.kind is RecordKind.BROKEN:
            self.tabs.setCurrentIndex(self.RAW_TAB)  # the only way to see a line not read
        elif self.tabs.currentIndex() == self.RAW_TAB and not self._raw_by_choice:
            self.tabs.setCurrentIndex(self.CONVERSATION_TAB)  # raw was chosen for a broken line
        self.conversation.verticalScrollBar().setValue(0)

    def _tab_clicked(self, index: int) -> None:
        self._raw_by_choice = index == self.RAW_TAB

    def current_index(self) -> int | None:
        return self._index

    def focus_message(self, message_index: int | None) -> None:
        """Show a message (index among the bubbles, in order) and put the cursor in it."""
        if message_index is None:
            return
        self.conversation.ensure_built()
        bubbles = self.conversation.bubbles
        if not bubbles:
            return
        self.tabs.setCurrentIndex(self.CONVERSATION_TAB)
        bubble = bubbles[max(0, min(message_index, len(bubbles) - 1))]
        self._focus_bubble(bubble)

    def bubbles(self) -> list[MessageBubble]:
        """Every bubble of the example (those not built yet are built now)."""
        self.conversation.ensure_built()
        return self.conversation.bubbles

    # ---- showing ----------------------------------------------------------------------------
    def _refresh(self, source: str | None, first: int = FIRST_CHUNK) -> None:
        dataset, index = self._dataset, self._index
        if dataset is None or index is None or not 0 <= index < len(dataset):
            self._index, self._parsed = None, None
            self._set_header("No example selected")
            empty = dataset is not None and len(dataset) == 0
            self.conversation.show_line(None, nothing=NO_EXAMPLES if empty else NONE_CHOSEN)
            self.raw.show_record(None, None)
            self.tabs.setTabEnabled(self.CONVERSATION_TAB, True)
            return
        record = dataset[index]
        parsed = record.parse()
        self._parsed = parsed
        self.conversation.show_line(parsed, first)
        broken = parsed.kind is RecordKind.BROKEN
        self.tabs.setTabEnabled(self.CONVERSATION_TAB, not broken)
        if broken:
            self.tabs.setTabToolTip(0, "This line cannot be read yet: fix it in the Raw JSON tab")
        else:
            self.tabs.setTabToolTip(0, "The example as messages you can edit")
        if source == "raw":
            self.raw.show_status(record, parsed)
        else:
            self.raw.show_record(record, parsed)
        self._update_header()
        self._schedule_counts()
        if self._pending_focus is not None:
            bubble = self.conversation.bubble_for(self._pending_focus)
            self._pending_focus = None
            if bubble is not None:
                self._focus_bubble(bubble)

    def _update_header(self, total: int | None = None) -> None:
        if self._index is None or self._parsed is None:
            return
        parts = [f"Example {self._index + 1}", _KIND_LABELS[self._parsed.kind]]
        bubbles = self.conversation.bubbles
        if bubbles:
            parts.append(f"{len(bubbles)} message{'s' if len(bubbles) != 1 else ''}")
        if total is not None:
            parts.append(f"{total:,} tokens")
        self._set_header("  ·  ".join(parts))

    def _focus_bubble(self, bubble: MessageBubble) -> None:
        bubble.focus_editor()
        self.conversation.ensureWidgetVisible(bubble, 0, 40)

    # ---- editing ----------------------------------------------------------------------------
    def apply_change(self, change: Change) -> None:
        """Turn a requested change into an undo command on the current record."""
        dataset, stack, index, parsed = self._dataset, self._stack, self._index, self._parsed
        if dataset is None or stack is None or index is None or parsed is None:
            return
        old = parsed.value if parsed.kind not in (RecordKind.BLANK, RecordKind.BROKEN) else None
        new = change.apply(old)
        if new is None or new == old:
            return
        merge_key = f"{index}:{change.merge_key}" if change.merge_key else None
        self._pending_focus = change.focus
        self._push(SetValueCommand(dataset, index, new, change.text, merge_key), "conversation")

    def _raw_edited(self, text: str) -> None:
        dataset, stack, index = self._dataset, self._stack, self._index
        if dataset is None or stack is None or index is None:
            return
        line = edits.raw_line_for_save(text, dataset.style.dumps)
        if line.encode("utf-8") == dataset[index].raw:
            return
        self._push(SetTextCommand(dataset, index, line), "raw")

    def _push(self, command: SetValueCommand | SetTextCommand, source: str) -> None:
        assert self._stack is not None and self._index is not None
        index = self._index
        self._source = source
        try:
            self._stack.push(command)
        finally:
            self._source = None
        self.record_edited.emit(index)

    def _open_raw(self) -> None:
        self.tabs.setCurrentIndex(self.RAW_TAB)
        self.raw.text.setFocus()

    # ---- following the dataset ----------------------------------------------------------------
    def _on_changed(self, first: int, last: int) -> None:
        if self._index is not None and first <= self._index <= last:
            self._refresh(self._source)

    def _on_inserted(self, start: int, count: int) -> None:
        if self._index is not None and start <= self._index:
            self._index += count
            self._update_header()

    def _on_removed(self, start: int, count: int) -> None:
        if self._index is None or self._index < start:
            return
        if self._index < start + count:
            self._index = None
            self._refresh(None)
        else:
            self._index -= count
            self._update_header()

    def _on_reset(self) -> None:
        self._refresh(None)

    def _disconnect(self) -> None:
        dataset = self._dataset
        if dataset is None:
            return
        dataset.changed.disconnect(self._on_changed)
        dataset.inserted.disconnect(self._on_inserted)
        dataset.removed.disconnect(self._on_removed)
        dataset.reset.disconnect(self._on_reset)

    def warm_up(self) -> None:
        """Build a message bubble off screen and drop it, while the window is idle.

        The first bubble of a session pays one-off costs (Qt's enum tables, icons: ~40 ms);
        paid here, showing the first example stays within a frame or two.
        """
        message = {"role": "assistant", "content": "warming up", "weight": 1}
        bubble = MessageBubble(("messages", 0), {"messages": [message]}, message, count=1)
        bubble.deleteLater()

    # ---- token counts -------------------------------------------------------------------------
    @Slot()
    def _schedule_counts(self, delay: int = COUNT_DELAY_MS) -> None:
        self._count_timer.start(delay)

    def _update_counts(self) -> None:
        bubbles = self.conversation.bubbles
        parsed = self._parsed
        if parsed is None or parsed.kind not in (RecordKind.CHAT, RecordKind.PREFERENCE):
            return
        counter = self._counter()
        if counter is None:
            for bubble in bubbles:
                bubble.set_tokens(None)
            self._schedule_counts(COUNTER_RETRY_MS)
            return
        changed = [(b, edits.get_at(parsed.value, b.ref)) for b in bubbles]
        changed = [(b, message) for b, message in changed if b.counted != message]
        try:
            counts = counter.count_examples(
                [{"messages": [message]} for _, message in changed] + [parsed.value]
            )
        except CheckerUnavailable:
            self._schedule_counts(COUNTER_RETRY_MS)
            return
        except UserFacingError as exc:
            self.header.setToolTip(f"{exc.message} {exc.next_step}")
            return
        for (bubble, message), counted in zip(changed, counts, strict=False):
            bubble.set_tokens(counted.total - TOKENS_PER_EXAMPLE if counted else 0)
            bubble.counted = message
        example = counts[-1]
        self._update_header(example.total if example is not None else None)

    # ---- keyboard -----------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        keys: list[tuple[str, Callable[[], None]]] = [
            ("Alt+Down", lambda: self._step_focus(1)),
            ("Alt+Up", lambda: self._step_focus(-1)),
            ("Alt+Shift+Up", lambda: self._bubble_action("go-up")),
            ("Alt+Shift+Down", lambda: self._bubble_action("go-down")),
            ("Ctrl+Return", self._add_message),
            ("Ctrl+Shift+D", lambda: self._bubble_action("edit-copy")),
            ("Ctrl+Shift+Delete", lambda: self._bubble_action("list-remove")),
        ]
        self.shortcuts: dict[str, QShortcut] = {}
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut

    def current_bubble(self) -> MessageBubble | None:
        focus = QApplication.focusWidget()
        if focus is None:
            return None
        return next((b for b in self.conversation.bubbles if b.isAncestorOf(focus)), None)

    def _step_focus(self, delta: int) -> None:
        self.conversation.ensure_built()
        bubbles = self.conversation.bubbles
        if not bubbles:
            return
        current = self.current_bubble()
        if current is None:
            target = 0 if delta > 0 else len(bubbles) - 1
        else:
            target = max(0, min(bubbles.index(current) + delta, len(bubbles) - 1))
        self.tabs.setCurrentIndex(self.CONVERSATION_TAB)
        self._focus_bubble(bubbles[target])

    def _bubble_action(self, name: str) -> None:
        bubble = self.current_bubble()
        button = bubble.buttons.get(name) if bubble is not None else None
        if button is not None and button.isEnabled():
            button.click()

    def _add_message(self) -> None:
        bubble = self.current_bubble()
        if bubble is not None:
            bubble.buttons["list-add"].click()
        elif self.conversation.chat.isVisibleTo(self.conversation):
            self.conversation.chat.add_at_end()
