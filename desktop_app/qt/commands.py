"""Undo commands: every change to a dataset (and to review notes) goes through a QUndoStack.

Commands change the core `Dataset` only (orange-canvas-core style); views follow its events.
Each command keeps the very Record objects it took out, so undo restores the original bytes (line
endings included), an undone file saves byte-identical, and the review notes (which follow record
identity, see core/dataset/review.py) come back with their examples. Typing merges: consecutive
commands with the same merge key become one undo step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.review import ReviewEntry, ReviewStore

_SET_VALUE_ID = 0x4654_0001
_SET_TEXT_ID = 0x4654_0002


def _copy(record: Record) -> Record:
    return Record(record.raw, record.ending, record.edited)


def _runs(indexes: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted unique indexes as (start, count) runs of neighbours."""
    runs: list[tuple[int, int]] = []
    for index in sorted(set(indexes)):
        if runs and runs[-1][0] + runs[-1][1] == index:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((index, 1))
    return runs


def _insert_exact(
    dataset: Dataset, index: int, records: Sequence[Record], endings: Sequence[bytes]
) -> None:
    """Put records back exactly as they were, undoing Dataset's end-of-file newline adjustment."""
    before = dataset[index - 1].ending if 0 < index >= len(dataset) else None
    dataset.insert_records(index, records)
    for record, ending in zip(records, endings, strict=True):
        record.ending = ending
    if before is not None:
        dataset[index - 1].ending = before


class _ReplaceRecordCommand(QUndoCommand):
    """Replace one record; merges with the next one carrying the same merge key."""

    command_id = -1

    def __init__(
        self, dataset: Dataset, index: int, new: Record, text: str, merge_key: str | None
    ) -> None:
        super().__init__(text)
        self.dataset = dataset
        self.index = index
        self.merge_key = merge_key
        self._old = dataset[index]
        self._old_bytes = (self._old.raw, self._old.ending)
        self._new = new

    def redo(self) -> None:
        self.dataset.replace_record(self.index, self._new)

    def undo(self) -> None:
        self.dataset.replace_record(self.index, self._old)

    def id(self) -> int:
        return self.command_id if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (
            isinstance(other, type(self))
            and other.dataset is self.dataset
            and other.index == self.index
            and other.merge_key == self.merge_key
        ):
            return False
        self._new = other._new
        if (self._new.raw, self._new.ending) == self._old_bytes:
            self.setObsolete(True)  # typed and erased back to the start: no step at all
        return True


class SetValueCommand(_ReplaceRecordCommand):
    """Replace a record's example with a new JSON value (written in the file's style)."""

    command_id = _SET_VALUE_ID

    def __init__(
        self,
        dataset: Dataset,
        index: int,
        new_value: Any,
        text: str,
        merge_key: str | None = None,
    ) -> None:
        record = Record(dataset.style.dumps(new_value), dataset[index].ending, True)
        super().__init__(dataset, index, record, text, merge_key)


class SetTextCommand(_ReplaceRecordCommand):
    """Replace a record's raw text (the raw JSON editor); typing in one record merges."""

    command_id = _SET_TEXT_ID

    def __init__(
        self, dataset: Dataset, index: int, text: str, description: str = "Edit raw JSON"
    ) -> None:
        record = dataset.make_raw_record(text)
        record.ending = dataset[index].ending
        super().__init__(dataset, index, record, description, f"raw:{index}")


class SetManyCommand(QUndoCommand):
    """Replace the examples of many records in one step (bulk find/replace, system prompt)."""

    def __init__(self, dataset: Dataset, changes: Mapping[int, Any], text: str) -> None:
        super().__init__(text)
        self.dataset = dataset
        self._old = {i: dataset[i] for i in sorted(changes)}
        self._new = {
            i: Record(dataset.style.dumps(changes[i]), dataset[i].ending, True) for i in self._old
        }

    def __len__(self) -> int:
        return len(self._new)

    def redo(self) -> None:
        for index, record in self._new.items():
            self.dataset.replace_record(index, record)

    def undo(self) -> None:
        for index, record in self._old.items():
            self.dataset.replace_record(index, record)


class InsertRecordsCommand(QUndoCommand):
    """Insert examples (values) or records at `index`; undo removes them again exactly."""

    def __init__(
        self,
        dataset: Dataset,
        index: int,
        records_or_values: Iterable[Record | Any],
        text: str,
    ) -> None:
        super().__init__(text)
        self.dataset = dataset
        self.index = max(0, min(index, len(dataset)))
        self.records = [
            _copy(item) if isinstance(item, Record) else dataset.make_record(item)
            for item in records_or_values
        ]
        self._endings = [r.ending for r in self.records]
        self._last_ending: bytes | None = None

    def redo(self) -> None:
        at_end = self.index >= len(self.dataset) and len(self.dataset) > 0
        self._last_ending = self.dataset[-1].ending if at_end else None
        for record, ending in zip(self.records, self._endings, strict=True):
            record.ending = ending
        self.dataset.insert_records(self.index, self.records)

    def undo(self) -> None:
        self.dataset.remove(self.index, len(self.records))
        if self._last_ending is not None:
            self.dataset[self.index - 1].ending = self._last_ending


class RemoveRecordsCommand(QUndoCommand):
    """Remove records (any indexes); undo puts the exact records back at their exact places."""

    def __init__(self, dataset: Dataset, indexes: Iterable[int], text: str) -> None:
        super().__init__(text)
        self.dataset = dataset
        self.runs = [
            (start, count) for start, count in _runs(i for i in indexes if 0 <= i < len(dataset))
        ]
        self._removed: list[tuple[list[Record], list[bytes]]] = []

    def __len__(self) -> int:
        return sum(count for _, count in self.runs)

    def redo(self) -> None:
        removed = []
        for start, count in reversed(self.runs):
            records = self.dataset.remove(start, count)
            removed.append((records, [r.ending for r in records]))
        self._removed = removed[::-1]

    def undo(self) -> None:
        for (start, _count), (records, endings) in zip(self.runs, self._removed, strict=True):
            _insert_exact(self.dataset, start, records, endings)


class MoveRecordCommand(QUndoCommand):
    """Move one record to another place (the same object, so its review notes move too).

    Line endings stay with the positions, so a file without a newline at the end keeps that.
    """

    def __init__(
        self, dataset: Dataset, source: int, target: int, text: str = "Move example"
    ) -> None:
        super().__init__(text)
        self.dataset = dataset
        self.source = source
        self.target = max(0, min(target, len(dataset) - 1))
        low, high = sorted((self.source, self.target))
        self._low = low
        self._endings = [dataset[i].ending for i in range(low, high + 1)]

    def _move(self, source: int, target: int) -> None:
        if source == target:
            return
        record = self.dataset.remove(source, 1)[0]
        self.dataset.insert_records(target, [record])
        for offset, ending in enumerate(self._endings):
            self.dataset[self._low + offset].ending = ending

    def redo(self) -> None:
        self._move(self.source, self.target)

    def undo(self) -> None:
        self._move(self.target, self.source)


class SetReviewEntriesCommand(QUndoCommand):
    """Give several examples new review entries (status, tags, note); undo restores the old ones."""

    def __init__(
        self,
        review_store: ReviewStore,
        indexes: Iterable[int],
        entries: Sequence[ReviewEntry],
        text: str = "Change review notes",
    ) -> None:
        super().__init__(text)
        self.store = review_store
        self.indexes = list(indexes)
        self._new = list(entries)
        self._old = review_store.entries(self.indexes)

    def redo(self) -> None:
        self.store.set_entries(self.indexes, self._new)

    def undo(self) -> None:
        self.store.set_entries(self.indexes, self._old)


class SetReviewCommand(SetReviewEntriesCommand):
    """Set one review field (status, tags or note) on several examples."""

    def __init__(
        self,
        review_store: ReviewStore,
        keys: Iterable[int],
        field: str,
        value: Any,
        text: str | None = None,
    ) -> None:
        indexes = sorted(set(keys))
        entries = [entry.with_field(field, value) for entry in review_store.entries(indexes)]
        super().__init__(review_store, indexes, entries, text or _REVIEW_TEXTS.get(field, field))


_REVIEW_TEXTS = {"status": "Set review status", "tags": "Set tags", "note": "Edit note"}


@contextmanager
def bulk_macro(stack: QUndoStack, text: str) -> Iterator[None]:
    """Group the commands pushed inside the block into one undo step."""
    stack.beginMacro(text)
    try:
        yield
    finally:
        stack.endMacro()
