"""Review notes live beside the dataset, follow its edits, and find their lines after reopening."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.review import (
    ReviewEntry,
    ReviewStatus,
    ReviewStore,
    SidecarMatcher,
    build_sidecar,
    normalise_tags,
    read_sidecar,
    sidecar_path,
    write_sidecar,
)


def _dataset(*texts: str) -> Dataset:
    return Dataset.from_values({"messages": [{"role": "user", "content": t}]} for t in texts)


def test_entries_follow_inserts_and_removes() -> None:
    ds = _dataset("a", "b", "c")
    store = ReviewStore(ds)
    store.set_field([1], "status", ReviewStatus.APPROVED)
    ds.insert_values(0, [{"messages": []}])
    assert store.get(2).status is ReviewStatus.APPROVED
    assert store.get(1).status is ReviewStatus.DRAFT
    removed = ds.remove(2, 1)
    assert len(store) == 3 and all(store.get(i).is_empty for i in range(3))
    ds.insert_records(2, removed)  # undo puts the same record back: its notes come back too
    assert store.get(2).status is ReviewStatus.APPROVED


def test_edit_keeps_entry_and_reset_keeps_known_records() -> None:
    ds = _dataset("a", "b")
    store = ReviewStore(ds)
    store.set_field([0], "tags", ["tone", " tone ", ""])
    ds.set_value(0, {"messages": [{"role": "user", "content": "changed"}]})
    assert store.get(0).tags == ("tone",)
    records = list(ds)
    ds.replace_all([records[1], records[0]])
    assert store.get(1).tags == ("tone",)
    assert store.get(0).is_empty


def test_set_field_returns_old_entries_and_tags_event() -> None:
    ds = _dataset("a", "b")
    store = ReviewStore(ds)
    seen: list[int] = []
    store.tags_changed.connect(lambda: seen.append(1))
    old = store.set_field([0, 1], "tags", ["x"])
    assert old == [ReviewEntry(), ReviewEntry()]
    assert store.all_tags() == ["x"] and seen
    assert store.status_counts()[ReviewStatus.DRAFT] == 2
    with pytest.raises(ValueError, match="unknown review field"):
        store.set_field([0], "colour", "red")


def test_sidecar_round_trip_survives_moved_and_duplicate_lines(tmp_path: Path) -> None:
    ds = _dataset("same", "other", "same")
    path = tmp_path / "data.jsonl"
    ds.save(path)
    store = ReviewStore(ds)
    store.set_entries([2], [ReviewEntry(ReviewStatus.NEEDS_WORK, ("a",), "fix tone")])
    write_sidecar(path, store.to_json())
    assert sidecar_path(path).name == "data.jsonl.ftstudio.json"
    # the file is edited elsewhere: a line is added at the top
    raw = path.read_bytes()
    path.write_bytes(b'{"messages": []}\n' + raw)
    reopened = Dataset.open(path)
    matcher = SidecarMatcher(read_sidecar(path))
    matcher.feed(0, list(reopened))
    matches, unmatched = matcher.finish()
    assert unmatched == []
    assert matches == {3: ReviewEntry(ReviewStatus.NEEDS_WORK, ("a",), "fix tone")}


def test_entries_of_vanished_lines_are_kept_as_unmatched(tmp_path: Path) -> None:
    ds = _dataset("a")
    path = tmp_path / "d.jsonl"
    ds.save(path)
    store = ReviewStore(ds)
    store.set_field([0], "note", "keep me")
    write_sidecar(path, store.to_json())
    path.write_bytes(b'{"messages": [{"role": "user", "content": "different"}]}\n')
    matcher = SidecarMatcher(read_sidecar(path))
    matcher.feed(0, list(Dataset.open(path)))
    matches, unmatched = matcher.finish()
    assert matches == {}
    assert unmatched[0]["note"] == "keep me"
    data = build_sidecar(list(Dataset.open(path)), [None], unmatched)
    assert data["unmatched"][0]["note"] == "keep me"


def test_no_review_data_means_no_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    sidecar_path(path).write_text("{}")
    write_sidecar(path, build_sidecar([Record(b"{}")], [ReviewEntry()]))
    assert not sidecar_path(path).exists()


def test_damaged_sidecar_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    sidecar_path(path).write_text("not json")
    assert read_sidecar(path) is None
    sidecar_path(path).write_text(json.dumps({"format": "other"}))
    assert read_sidecar(path) is None


def test_entry_json_tolerates_bad_values() -> None:
    entry = ReviewEntry.from_json({"status": "weird", "tags": "notalist", "note": 5})
    assert entry == ReviewEntry()
    assert normalise_tags(["b", "a", "b"]) == ("b", "a")
    assert ReviewStatus.NEEDS_WORK.label == "Needs work"


def test_an_intended_warning_is_kept_in_the_sidecar_and_can_be_taken_back(tmp_path: Path) -> None:
    ds = _dataset("write to support@larkspur.example", "other")
    path = tmp_path / "data.jsonl"
    ds.save(path)
    store = ReviewStore(ds)
    entry = store.get(0).with_intended("personal_data", 1, True)
    assert not entry.is_empty and entry.is_intended("personal_data", 1)
    assert not entry.is_intended("personal_data", 0)
    store.set_entries([0], [entry])
    write_sidecar(path, store.to_json())
    matcher = SidecarMatcher(read_sidecar(path))
    matcher.feed(0, list(Dataset.open(path)))
    matches, _ = matcher.finish()
    assert matches[0].is_intended("personal_data", 1)
    back = matches[0].with_intended("personal_data", 1, False)
    assert back.is_empty  # nothing else was noted: no entry, no sidecar


def test_file_wide_warnings_set_aside_are_kept_in_the_sidecar(tmp_path: Path) -> None:
    ds = _dataset("one", "two")
    path = tmp_path / "data.jsonl"
    ds.save(path)
    store = ReviewStore(ds)
    seen: list[bool] = []
    store.dataset_changed.connect(lambda: seen.append(True))
    store.set_dataset_intended(["few_examples"])
    assert seen and store.has_data()
    write_sidecar(path, store.to_json())
    data = read_sidecar(path)
    assert data is not None and data["dataset"] == {"intended": ["few_examples"]}
    assert "unmatched" not in data  # file-wide notes are not lost lines
    reopened = ReviewStore(Dataset.open(path))
    matcher = SidecarMatcher(data)
    matcher.feed(0, list(reopened.dataset))
    reopened.load(*matcher.finish())
    assert reopened.dataset_intended == ("few_examples",) and reopened.unmatched == []
    reopened.set_dataset_intended([])
    write_sidecar(path, reopened.to_json())
    assert not sidecar_path(path).exists()  # nothing left to keep
