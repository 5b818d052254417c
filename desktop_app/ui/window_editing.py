"""Editing from the main window: adding, duplicating and deleting examples, review status, tags
and notes, bulk changes, moving between the panes, and going to and fixing problems.

`EditActions` is a controller: it receives the window's parts, the shown document and the
selection (window_parts.py) when the window builds it.

Every change is an undo command on the document's stack; the commands are imported when first
used (after the window's first paint).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QInputDialog

from desktop_app.ui.window_parts import Selection, Shown, WindowParts

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from desktop_app.core.dataset.records import Record
    from desktop_app.core.dataset.review import ReviewStatus, ReviewStore, intended_key
    from desktop_app.core.problems import Fix, Problem
    from desktop_app.qt.commands import (
        InsertRecordsCommand,
        RemoveRecordsCommand,
        SetManyCommand,
        SetReviewCommand,
        SetReviewEntriesCommand,
        SetValueCommand,
        bulk_macro,
    )
    from desktop_app.qt.document import Document
    from desktop_app.qt.tasks import TaskRunner


def import_parts() -> None:
    """Import the commands and core types editing needs; called once the window has painted
    (MainWindow.complete), so they cost nothing at start-up. They become this module's globals."""
    global Qt, Record, Problem, Fix, ReviewStatus, intended_key, bulk_macro
    global InsertRecordsCommand, RemoveRecordsCommand, SetReviewCommand
    global SetManyCommand, SetReviewEntriesCommand, SetValueCommand
    from PySide6.QtCore import Qt  # (its enums cost about 45 ms: after the first paint)

    from desktop_app.core.dataset.records import Record
    from desktop_app.core.dataset.review import ReviewStatus, intended_key
    from desktop_app.core.problems import Fix, Problem
    from desktop_app.qt.commands import (
        InsertRecordsCommand,
        RemoveRecordsCommand,
        SetManyCommand,
        SetReviewCommand,
        SetReviewEntriesCommand,
        SetValueCommand,
        bulk_macro,
    )


class EditActions(QObject):
    """The Edit menu's actions, moving between panes, and the problems' go-to and quick fixes."""

    def __init__(
        self, parts: WindowParts, shown: Shown, selection: Selection, tasks: TaskRunner
    ) -> None:
        super().__init__(parts.window)
        self.parts = parts
        self.shown = shown
        self.selection = selection
        self.tasks = tasks  # the window's task runner (Fix All works its fixes out there)
        self._fixing: tuple[Document, int, Fix] | None = None  # Fix All under way: where, when
        self._undo_index = 0
        self._inserted: list[tuple[int, int]] = []

    def _push(self, command: QUndoCommand) -> None:
        assert self.shown.document is not None
        self.shown.document.undo_stack.push(command)

    @Slot()
    def add_example(self) -> None:
        document = self.shown.document
        if document is None or document.loading:
            return
        at = self.selection.insert_position(len(document.dataset))
        system = _system_prompt_near(document, at - 1)
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": ""},
            {"role": "assistant", "content": ""},
        ]
        self._push(
            InsertRecordsCommand(document.dataset, at, [{"messages": messages}], "Add example")
        )
        self.parts.examples_pane.select_record(at)
        self.parts.editor.focus_message(1 if system else 0)

    @Slot()
    def duplicate_selected(self) -> None:
        document = self.shown.document
        rows = self.selection.targets()
        if document is None or not rows or document.loading:
            return
        dataset = document.dataset
        text = "Duplicate example" if len(rows) == 1 else f"Duplicate {len(rows)} examples"
        with bulk_macro(document.undo_stack, text):
            for row in sorted(rows, reverse=True):
                source = dataset[row]
                copy = Record(source.raw, dataset.ending, True)
                self._push(InsertRecordsCommand(dataset, row + 1, [copy], text))
        self.parts.examples_pane.select_record(max(rows) + 1 + len(rows) - 1)

    @Slot()
    def delete_selected(self) -> None:
        document = self.shown.document
        rows = self.selection.targets()
        if document is None or not rows or document.loading:
            return
        text = "Delete example" if len(rows) == 1 else f"Delete {len(rows)} examples"
        self._push(RemoveRecordsCommand(document.dataset, rows, text))
        if len(document.dataset):
            self.parts.examples_pane.select_record(min(min(rows), len(document.dataset) - 1))
        self.parts.say(f"{text.replace('Delete', 'Deleted')}. Undo brings it back.")

    def set_status(self, status: ReviewStatus) -> None:
        document = self.shown.document
        rows = self.selection.targets()
        if document is None or not rows:
            return
        text = f"Mark as {status.label}"
        self._push(SetReviewCommand(document.review, rows, "status", status, text))
        if len(rows) == 1 and status is ReviewStatus.APPROVED:
            self.parts.examples_pane.move_current(
                1
            )  # approve and move on: review without the mouse

    @Slot()
    def add_tag(self) -> None:
        document = self.shown.document
        rows = self.selection.targets()
        if document is None or not rows:
            return
        tags = document.review.all_tags()
        tag, ok = QInputDialog.getItem(
            self.parts.window, "Add tag", f"Tag for {_count(len(rows), 'example')}:", tags, 0, True
        )
        tag = tag.strip()
        if not ok or not tag:
            return
        entries = [e.with_tag(tag) for e in document.review.entries(rows)]
        self._push(SetReviewEntriesCommand(document.review, rows, entries, f"Add tag “{tag}”"))

    @Slot()
    def remove_tag(self) -> None:
        document = self.shown.document
        rows = self.selection.targets()
        if document is None or not rows:
            return
        present = sorted({t for e in document.review.entries(rows) for t in e.tags})
        if not present:
            self.parts.say("The selected examples have no tags.")
            return
        tag, ok = QInputDialog.getItem(
            self.parts.window, "Remove tag", "Tag to remove:", present, 0, False
        )
        if not ok:
            return
        entries = [e.without_tag(tag) for e in document.review.entries(rows)]
        self._push(SetReviewEntriesCommand(document.review, rows, entries, f"Remove tag “{tag}”"))

    @Slot()
    def edit_note(self) -> None:
        document = self.shown.document
        rows = self.selection.targets()
        if document is None or not rows:
            return
        current = document.review.get(rows[0]).note
        note, ok = QInputDialog.getMultiLineText(
            self.parts.window,
            "Review note",
            "Your note (never part of the training data):",
            current,
        )
        if ok and note != current:
            self._push(SetReviewCommand(document.review, rows, "note", note.strip()))

    @Slot()
    def set_system_prompt(self) -> None:
        from desktop_app.ui.dialogs import system_prompt

        document = self.shown.document
        if document is None or document.loading:
            return
        system_prompt.run_system_prompt(
            self.parts.window, document.dataset, document.undo_stack, self.selection.selected()
        )

    @Slot()
    def find_replace(self) -> None:
        self._find_replace()

    def replace_placeholder(self, placeholder: str) -> None:
        """Find and Replace on a placeholder the checks found (it is usually in every example)."""
        done = self._find_replace(placeholder)
        if done:
            times = "once" if done == 1 else f"{done:,} times"
            self.parts.say(f"Replaced “{placeholder}” {times}. Undo puts it back.")

    def _find_replace(self, find: str = "") -> int:
        from desktop_app.ui.dialogs import find_replace

        document = self.shown.document
        if document is None or document.loading:
            return 0
        return find_replace.run_find_replace(
            self.parts.window,
            document.dataset,
            document.undo_stack,
            self.selection.selected(),
            find,
        )

    # ---- undo brings examples back into view -------------------------------------------------
    def follow_undo(self, document: Document) -> None:
        """Undoing a delete selects the examples that came back (called by set_document)."""
        self._undo_index = document.undo_stack.index()
        self._inserted = []
        document.dataset.inserted.connect(self._note_inserted)
        document.undo_stack.indexChanged.connect(self._on_undo_index)

    def unfollow_undo(self, document: Document) -> None:
        document.dataset.inserted.disconnect(self._note_inserted)

    def _note_inserted(self, start: int, count: int) -> None:
        self._inserted.append((start, count))
        document = self.shown.document
        if document is not None and not document.loading and not document.analysis.enabled:
            # a blank dataset gets its first examples (added, imported): check from now on,
            # so the table, the status bar and the overview count the same examples
            document.start_checking()

    @Slot(int)
    def _on_undo_index(self, index: int) -> None:
        inserted, self._inserted = self._inserted, []
        undone = index < self._undo_index
        self._undo_index = index
        if not undone or not inserted:
            return
        rows = sorted({row for start, count in inserted for row in range(start, start + count)})
        self.parts.examples_pane.select_records(rows)

    # ---- moving between the panes ---------------------------------------------------------
    @Slot()
    def focus_examples(self) -> None:
        table = self.parts.examples_pane.table
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not table.currentIndex().isValid():
            self.parts.examples_pane.move_current(1)

    @Slot()
    def focus_editor(self) -> None:
        if self.selection.current() is None:
            self.parts.examples_pane.move_current(1)
        self.parts.editor.focus_message(0)

    @Slot()
    def focus_problems(self) -> None:
        self.parts.side_tabs.setCurrentWidget(self.parts.problems_pane)
        self.parts.problems_pane.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- problems ------------------------------------------------------------------------
    @Slot(int, int)
    def go_to_problem(self, record: int, message: int) -> None:
        if record < 0:  # about the whole file: its overview section, beside the list
            found = self.parts.problems_pane.current_problem()
            self.parts.side_area.show_beside(found[1].code if found else "")
            return
        if self.parts.examples_pane.select_record(record):
            self.parts.editor.show_record(record)
            if message >= 0:
                self.parts.editor.focus_message(message)

    def step_problem(self, delta: int) -> None:
        model = self.shown.problems_model
        if model is None or model.rowCount() == 0:
            self.parts.say("No problems to visit.")
            return
        self.parts.side_tabs.setCurrentWidget(self.parts.problems_pane)
        current = self.parts.problems_pane.table.currentIndex()
        if current.isValid():
            row = (current.row() + delta) % model.rowCount()
        else:
            record = self.selection.current()
            row = model.find(record if record is not None else 0, after=delta > 0)
            if row < 0:
                row = 0 if delta > 0 else model.rowCount() - 1
        self.parts.problems_pane.select_row(row)

    @Slot(int, object, object)
    def apply_quick_fix(self, record: int, problem: object, fix: object = None) -> None:
        from desktop_app.core.checks import fixes, placeholders

        document = self.shown.document
        if document is None or not isinstance(problem, Problem) or problem.fix is None:
            return
        if not 0 <= record < len(document.dataset):
            return
        chosen = fix if isinstance(fix, Fix) else problem.fix
        label = chosen.label
        if fixes.removes_example(chosen.code):
            self._push(RemoveRecordsCommand(document.dataset, [record], label))
            self.parts.say(f"{label}: done. Undo brings it back.")
            return
        if chosen.code == placeholders.FIX_REPLACE_PLACEHOLDER:
            self.replace_placeholder(chosen.args[0])
            return
        text = None
        if fixes.needs_writing(chosen.code):
            if self._write_in_editor(record, problem):
                return
            text = self._ask_for_reply(record)
            if text is None:
                return
        try:
            value = fixes.apply_problem_fix(problem, document.dataset.value(record), chosen, text)
        except fixes.FixNotApplicable:
            self.parts.say("That fix no longer applies; the example has changed.")
            return
        self._push(SetValueCommand(document.dataset, record, value, label))
        self.parts.say(f"{label}: done. Undo reverts it.")

    def apply_fix_to_all(self, pairs: object, fix: object) -> None:
        """The same quick fix on every problem like the chosen one, as one step to undo.

        Each fix is checked for new errors, twice a check per example (~0.2 ms): thousands
        held the window a second, so they are worked out on the task runner, from copies of
        the examples, and applied when done unless the dataset changed meanwhile."""
        document = self.shown.document
        if document is None or self._fixing is not None or not isinstance(fix, Fix):
            return
        dataset = document.dataset
        found = [
            (r, p)
            for r, p in (pairs if isinstance(pairs, list) else [])
            if 0 <= r < len(dataset) and isinstance(p, Problem)
        ]
        values = {r: dataset.value(r) for r, _ in found}  # parsed afresh: the task's own
        self._fixing = (document, document.undo_stack.index(), fix)
        self.parts.say(f"{fix.label}: working it out for {len(found):,} problems…")
        self.tasks.call(
            _fix_each,
            found,
            values,
            owner=self,
            lane="general",
            succeeded=self._on_fixed_all,
            failed=self._on_fix_all_failed,
        )

    @Slot(object)
    def _on_fixed_all(self, result: object) -> None:
        from desktop_app.core.checks import fixes

        fixing, self._fixing = self._fixing, None
        document = self.shown.document
        if fixing is None or not isinstance(result, tuple):
            return
        was, index, fix = fixing
        if document is not was or document.undo_stack.index() != index:
            self.parts.say(
                "The examples changed while that fix was worked out, so nothing was changed. "
                "Click Fix All again."
            )
            return
        changes, left = result
        if not changes:
            self.parts.say("That fix no longer applies to any of them; the examples have changed.")
            return
        label = f"{fix.label} ({len(changes):,} examples)"
        if fixes.removes_example(fix.code):
            self._push(RemoveRecordsCommand(document.dataset, sorted(changes), label))
        else:
            self._push(SetManyCommand(document.dataset, changes, label))
        kept = f" {left:,} left as they were: there the fix would not help." if left else ""
        self.parts.say(f"{label}: done. Undo reverts them all.{kept}")

    @Slot(object)
    def _on_fix_all_failed(self, error: object) -> None:
        from desktop_app.ui.errors import show_error

        self._fixing = None
        show_error(
            self.parts.window, error if isinstance(error, BaseException) else Exception(str(error))
        )

    def _write_in_editor(self, record: int, problem: Problem) -> bool:
        """An empty message: put the cursor in it (what the writer types fixes the problem)."""
        document = self.shown.document
        assert document is not None
        index = problem.message_index
        value = document.dataset.value(record)
        messages = value.get("messages") if isinstance(value, dict) else None
        if index is None or not isinstance(messages, list) or not 0 <= index < len(messages):
            return False
        message = messages[index]
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str) or content.strip():
            return False  # not an empty message: the reply is missing, ask for it
        self.go_to_problem(record, index)
        self.parts.say("Write the message; the problem goes away as you type.")
        return True

    def _ask_for_reply(self, record: int) -> str | None:
        """A missing reply: the writer writes it (the cursor starts in the box)."""
        self.go_to_problem(record, -1)
        text, ok = QInputDialog.getMultiLineText(
            self.parts.window,
            "Write the reply",
            "The reply the model should learn to give (it is added at the end of the example):",
            "",
        )
        return text if ok and text.strip() else None

    def set_intended(self, record: int, problem: object, on: bool) -> None:
        """Set a warning aside ("This is intended") or count it again; undo reverses it."""
        document = self.shown.document
        if document is None or not isinstance(problem, Problem):
            return
        text = "Mark a warning as intended" if on else "Count a warning again"
        if record < 0:  # about the whole file
            self._push(SetDatasetIntendedCommand(document.review, problem, on, text))
        elif record < len(document.dataset):
            review = document.review
            entry = review.get(record).with_intended(problem.code, problem.message_index, on)
            self._push(SetReviewEntriesCommand(review, [record], [entry], text))
        else:
            return
        self.parts.say(
            "Set aside: kept in your review notes and no longer counted. Undo or “Count It "
            "Again” brings it back."
            if on
            else "The warning is counted again."
        )


class SetDatasetIntendedCommand(QUndoCommand):
    """Set a file-wide warning aside (or count it again); undo restores the list before."""

    def __init__(self, review: ReviewStore, problem: Problem, on: bool, text: str) -> None:
        super().__init__(text)
        self.review = review
        self._old = review.dataset_intended
        key = intended_key(problem.code, problem.message_index)
        kept = [k for k in self._old if k != key]
        self._new = (*kept, key) if on else tuple(kept)

    def redo(self) -> None:
        self.review.set_dataset_intended(self._new)

    def undo(self) -> None:
        self.review.set_dataset_intended(self._old)


def _system_prompt_near(document: Document, index: int) -> str:
    """The system prompt of the example at `index` (new examples start with the same one)."""
    if not 0 <= index < len(document.dataset):
        return ""
    value = document.dataset.value(index)
    messages = value.get("messages") if isinstance(value, dict) else None
    if isinstance(messages, list) and messages:
        first = messages[0]
        if isinstance(first, dict) and first.get("role") == "system":
            content = first.get("content")
            return content if isinstance(content, str) else ""
    return ""


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'s' if number != 1 else ''}"


def _fix_each(
    pairs: list[tuple[int, Problem]], values: dict[int, object], **_task: object
) -> tuple[dict[int, object], int]:
    """Task: `fixes.fix_each` on copies of the examples (cancel and progress are not needed)."""
    from desktop_app.core.checks import fixes

    return fixes.fix_each(pairs, values.__getitem__)
