"""Undo commands: every command redoes, undoes to the exact original bytes, and merges typing."""

from __future__ import annotations

import json

import pytest

from PySide6.QtGui import QUndoStack

from desktop_app.core.dataset.edits import set_content
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.review import ReviewStatus, ReviewStore
from desktop_app.qt.commands import (
    InsertRecordsCommand,
    MoveRecordCommand,
    RemoveRecordsCommand,
    SetManyCommand,
    SetReviewCommand,
    SetTextCommand,
    SetValueCommand,
    bulk_macro,
)

# Mixed endings, a blank line, a broken line, compact style and no newline at the end.
ORIGINAL = (
    b'{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\r\n'
    b"\n"
    b'{"messages":[{"role":"user","content":"broken"\n'
    b'{"messages":[{"role":"user","content":"Caf\xc3\xa9"},{"role":"assistant","content":"Oui"}]}\n'
    b'{"prompt":"legacy","completion":"line"}'
)


@pytest.fixture
def dataset() -> Dataset:
    return Dataset.from_bytes(ORIGINAL)


@pytest.fixture
def stack(qapp) -> QUndoStack:
    return QUndoStack()


def _undo_all(stack: QUndoStack) -> None:
    while stack.canUndo():
        stack.undo()


def test_set_value_redo_undo_is_byte_exact(dataset, stack):
    value = dataset.value(0)
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "Howdy"), "Edit"))
    assert dataset.value(0)["messages"][1]["content"] == "Howdy"
    # the edited line keeps its CRLF ending and the file's compact style
    assert dataset[0].ending == b"\r\n"
    assert b'"content":"Howdy"' in dataset[0].raw
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL
    stack.redo()
    assert dataset.value(0)["messages"][1]["content"] == "Howdy"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_typing_merges_into_one_step_per_field(dataset, stack):
    value = dataset.value(0)
    for text in ("H", "He", "Hel"):
        value = set_content(value, ("messages", 1), text)
        stack.push(SetValueCommand(dataset, 0, value, "Type", merge_key="0:1:content"))
    assert stack.count() == 1
    # another field starts a new step
    stack.push(
        SetValueCommand(
            dataset, 0, set_content(value, ("messages", 0), "Yo"), "Type", "0:0:content"
        )
    )
    assert stack.count() == 2
    stack.undo()
    assert dataset.value(0)["messages"][1]["content"] == "Hel"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_typing_back_to_the_original_leaves_no_step(dataset, stack):
    value = dataset.value(0)
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "Hello!"), "T", "k"))
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "Hello"), "T", "k"))
    # the line is re-serialised the same way, so the merged command is obsolete and dropped
    assert stack.count() == 0
    assert dataset.to_bytes() == ORIGINAL


def test_commands_without_merge_key_do_not_merge(dataset, stack):
    value = dataset.value(0)
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "A"), "Edit"))
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "B"), "Edit"))
    assert stack.count() == 2


def test_no_merge_across_the_clean_state(dataset, stack):
    value = dataset.value(0)
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "A"), "T", "k"))
    stack.setClean()
    stack.push(SetValueCommand(dataset, 0, set_content(value, ("messages", 1), "AB"), "T", "k"))
    assert stack.count() == 2


def test_set_text_fixes_a_broken_line_and_merges(dataset, stack):
    fixed = '{"messages":[{"role":"user","content":"broken"}]}'
    for end in range(len(fixed) - 3, len(fixed) + 1):
        stack.push(SetTextCommand(dataset, 2, fixed[:end]))
    assert stack.count() == 1
    assert dataset.value(2) == json.loads(fixed)
    assert dataset[2].ending == b"\n"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_set_text_keeps_the_line_on_one_line(dataset, stack):
    stack.push(SetTextCommand(dataset, 1, '{"messages":\n[]}'))
    assert b"\n" not in dataset[1].raw
    assert dataset.to_bytes().count(b"\n") == ORIGINAL.count(b"\n")


def test_set_many_is_one_step(dataset, stack):
    changes = {0: {"messages": []}, 3: {"messages": [{"role": "user", "content": "x"}]}}
    command = SetManyCommand(dataset, changes, "Replace")
    assert len(command) == 2
    stack.push(command)
    assert dataset.value(0) == {"messages": []}
    assert dataset.value(3)["messages"][0]["content"] == "x"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


@pytest.mark.parametrize("index", [0, 2, 5])
def test_insert_values_then_undo(dataset, stack, index):
    values = [{"messages": [{"role": "user", "content": "new"}]}] * 2
    stack.push(InsertRecordsCommand(dataset, index, values, "Add"))
    assert len(dataset) == 7
    at = min(index, 5)
    assert dataset.value(at)["messages"][0]["content"] == "new"
    data = dataset.to_bytes()
    assert not data.endswith(b"\n")  # the file still has no newline at the end
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL
    stack.redo()
    assert dataset.to_bytes() == data
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


@pytest.mark.parametrize(
    "indexes", [[0], [4], [3, 4], [0, 2, 4], [1, 2, 3], [4, 0, 0, 2], list(range(5))]
)
def test_remove_any_indexes_then_undo_is_exact(dataset, stack, indexes):
    command = RemoveRecordsCommand(dataset, indexes, "Delete")
    stack.push(command)
    assert len(dataset) == 5 - len(set(indexes))
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL
    stack.redo()
    assert len(dataset) == 5 - len(set(indexes))
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_remove_emits_one_event_per_run(dataset, stack):
    seen: list[tuple[int, int]] = []
    dataset.removed.connect(lambda start, count: seen.append((start, count)))
    stack.push(RemoveRecordsCommand(dataset, [0, 1, 3, 4], "Delete"))
    assert seen == [(3, 2), (0, 2)]  # descending runs keep the indexes valid


@pytest.mark.parametrize(("source", "target"), [(0, 4), (4, 0), (1, 3), (2, 2)])
def test_move_record_then_undo(dataset, stack, source, target):
    moved = dataset[source].raw
    stack.push(MoveRecordCommand(dataset, source, target))
    assert dataset[target].raw == moved
    assert dataset[4].ending == b""  # the last line still has no newline
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_bulk_macro_undoes_everything_at_once(dataset, stack):
    with bulk_macro(stack, "Duplicate and delete"):
        stack.push(InsertRecordsCommand(dataset, 1, [dataset[0]], "Duplicate"))
        stack.push(RemoveRecordsCommand(dataset, [3], "Delete"))
    assert stack.count() == 1
    assert stack.undoText() == "Duplicate and delete"
    stack.undo()
    assert dataset.to_bytes() == ORIGINAL


def test_undone_file_saves_byte_identical(tmp_path, stack):
    path = tmp_path / "data.jsonl"
    path.write_bytes(ORIGINAL)
    dataset = Dataset.open(path)
    stack.push(SetValueCommand(dataset, 3, {"messages": []}, "Edit"))
    stack.push(RemoveRecordsCommand(dataset, [0, 1], "Delete"))
    stack.push(InsertRecordsCommand(dataset, 3, [{"messages": []}], "Add"))
    stack.push(SetTextCommand(dataset, 0, "{}"))
    _undo_all(stack)
    dataset.save()
    assert path.read_bytes() == ORIGINAL


def test_review_command_restores_each_old_value(dataset, stack):
    store = ReviewStore(dataset)
    stack.push(SetReviewCommand(store, [0], "status", "approved"))
    stack.push(SetReviewCommand(store, [0, 3], "status", "needs_work"))
    assert [store.get(i).status for i in (0, 3)] == [ReviewStatus.NEEDS_WORK] * 2
    stack.undo()
    assert store.get(0).status is ReviewStatus.APPROVED
    assert store.get(3).status is ReviewStatus.DRAFT
    stack.push(SetReviewCommand(store, [3], "tags", ["tone", "tone ", ""]))
    assert store.get(3).tags == ("tone",)


def test_review_notes_come_back_with_removed_and_moved_examples(dataset, stack):
    store = ReviewStore(dataset)
    stack.push(SetReviewCommand(store, [3], "note", "check the accent"))
    stack.push(RemoveRecordsCommand(dataset, [0, 3], "Delete"))
    stack.undo()
    assert store.get(3).note == "check the accent"
    stack.push(MoveRecordCommand(dataset, 3, 0))
    assert store.get(0).note == "check the accent"
    stack.undo()
    assert store.get(3).note == "check the accent"
    assert dataset.to_bytes() == ORIGINAL
