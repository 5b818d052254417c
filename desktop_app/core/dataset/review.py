"""Review metadata (status, tags, a note) kept beside a dataset, never inside it.

The writer's own notes belong to the writer, not to the training data: they live in a sidecar file
next to the dataset (`NAME.jsonl.ftstudio.json`) and never reach a training file, an export or an
upload. Each entry is keyed by the line's content (its size and a hash of its bytes) plus its
occurrence number among identical lines, so it finds its example again after reopening even if
lines moved; the keys are recomputed on every save. Entries whose line cannot be found any more
are kept in the sidecar (as "unmatched"), never silently dropped.

In memory the store keeps one entry per record, aligned with the dataset and following its
insert/remove/reset events; entries of removed records are remembered by record identity so an
undo that puts the exact records back also brings their review data back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop_app.core.checks.voice.wordlist import WordList
from desktop_app.core.dataset.events import Event
from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.dataset.spelling import DatasetSpelling
from desktop_app.core.files.atomic import write_atomic

SIDECAR_SUFFIX = ".ftstudio.json"
FORMAT = "finetune-studio-review"
SCHEMA_VERSION = 1
DATASET_KEY = "dataset"  # the sidecar's notes about the whole file (warnings set aside)
# File-wide sections of a sidecar (not about one line), kept as they are: "spelling" (the dataset's
# spelling language and its own words, core/dataset/spelling.py) and any section a newer version wrote.
# "wordlist" is saved on its own (write_wordlist) and kept by write_sidecar.
_OWN_KEYS = {"format", "schema_version", "entries", "unmatched", DATASET_KEY, "wordlist"}


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    NEEDS_WORK = "needs_work"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ReviewStatus.DRAFT: "Draft",
    ReviewStatus.NEEDS_WORK: "Needs work",
    ReviewStatus.APPROVED: "Approved",
}


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    status: ReviewStatus = ReviewStatus.DRAFT
    tags: tuple[str, ...] = ()
    note: str = ""
    intended: tuple[str, ...] = ()  # warnings the writer set aside ("This is intended")

    @property
    def is_empty(self) -> bool:
        return (
            self.status is ReviewStatus.DRAFT
            and not self.tags
            and not self.note
            and not self.intended
        )

    def is_intended(self, code: str, message_index: int | None) -> bool:
        return intended_key(code, message_index) in self.intended

    def with_intended(self, code: str, message_index: int | None, on: bool) -> ReviewEntry:
        """A copy with one warning set aside (`on`) or counted again."""
        key = intended_key(code, message_index)
        kept = tuple(k for k in self.intended if k != key)
        return replace(self, intended=(*kept, key) if on else kept)

    def with_field(self, field: str, value: Any) -> ReviewEntry:
        """A copy with one field changed; `tags` takes a sequence, `status` a ReviewStatus/str."""
        if field == "status":
            return replace(self, status=ReviewStatus(value))
        if field == "tags":
            return replace(self, tags=normalise_tags(value))
        if field == "note":
            return replace(self, note=str(value))
        raise ValueError(f"unknown review field {field!r}")

    def with_tag(self, tag: str) -> ReviewEntry:
        return replace(self, tags=normalise_tags((*self.tags, tag)))

    def without_tag(self, tag: str) -> ReviewEntry:
        return replace(self, tags=tuple(t for t in self.tags if t != tag))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": str(self.status)}
        if self.tags:
            out["tags"] = list(self.tags)
        if self.note:
            out["note"] = self.note
        if self.intended:
            out["intended"] = list(self.intended)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReviewEntry:
        try:
            status = ReviewStatus(data.get("status", "draft"))
        except ValueError:
            status = ReviewStatus.DRAFT
        tags = data.get("tags", [])
        note = data.get("note", "")
        intended = data.get("intended", [])
        return cls(
            status=status,
            tags=normalise_tags(tags if isinstance(tags, list) else []),
            note=note if isinstance(note, str) else "",
            intended=normalise_tags(intended if isinstance(intended, list) else []),
        )


EMPTY = ReviewEntry()


def intended_key(code: str, message_index: int | None) -> str:
    """How a set-aside warning is named in the sidecar: its check, and the message it is about."""
    return code if message_index is None else f"{code}@{message_index}"


def normalise_tags(tags: Iterable[Any]) -> tuple[str, ...]:
    """Trimmed, non-empty, unique tags in the order given."""
    seen: dict[str, None] = {}
    for tag in tags:
        text = str(tag).strip()
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def sidecar_path(dataset_path: Path) -> Path:
    return dataset_path.with_name(dataset_path.name + SIDECAR_SUFFIX)


def line_key(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


# ---- matching sidecar entries to lines ------------------------------------------------------
class SidecarMatcher:
    """Finds the lines that sidecar entries belong to while a file is read, batch by batch.

    Only lines whose size equals an entry's size are hashed, so matching costs almost nothing.
    """

    def __init__(self, sidecar: dict[str, Any] | None) -> None:
        self._wanted: dict[tuple[int, str, int], dict[str, Any]] = {}
        self._sizes: set[int] = set()
        self._seen: dict[tuple[int, str], int] = {}
        self.unmatched: list[dict[str, Any]] = []
        self.matches: dict[int, ReviewEntry] = {}
        self.sections: dict[str, Any] = sidecar_sections(sidecar)
        if not sidecar:
            return
        for item in _entries(sidecar):
            key = _entry_key(item)
            if key is None:
                self.unmatched.append(item)
                continue
            self._wanted[key] = item
            self._sizes.add(key[0])
        self.unmatched.extend(_unmatched(sidecar))
        dataset = sidecar.get(DATASET_KEY)
        if isinstance(dataset, dict):  # travels with the unmatched entries to ReviewStore.load
            self.unmatched.append({DATASET_KEY: dataset})

    def feed(self, start: int, records: Sequence[Record]) -> None:
        if not self._wanted:
            return
        for offset, record in enumerate(records):
            size = len(record.raw)
            if size not in self._sizes:
                continue
            digest = line_key(record.raw)
            occurrence = self._seen.get((size, digest), 0)
            self._seen[(size, digest)] = occurrence + 1
            item = self._wanted.pop((size, digest, occurrence), None)
            if item is not None:
                self.matches[start + offset] = ReviewEntry.from_json(item)

    def finish(self) -> tuple[dict[int, ReviewEntry], list[dict[str, Any]]]:
        """The matched entries by record index, and the entries whose line is gone."""
        leftovers = list(self._wanted.values())
        self._wanted.clear()
        return self.matches, self.unmatched + leftovers


def _entry_key(item: dict[str, Any]) -> tuple[int, str, int] | None:
    try:
        return int(item["size"]), str(item["key"]), int(item.get("occurrence", 0))
    except (KeyError, TypeError, ValueError):
        return None


def _entries(sidecar: dict[str, Any]) -> list[dict[str, Any]]:
    items = sidecar.get("entries", [])
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _unmatched(sidecar: dict[str, Any]) -> list[dict[str, Any]]:
    items = sidecar.get("unmatched", [])
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def sidecar_sections(sidecar: dict[str, Any] | None) -> dict[str, Any]:
    """The sidecar's file-wide sections (everything but the format and the line entries)."""
    return {k: v for k, v in (sidecar or {}).items() if k not in _OWN_KEYS}


def read_sidecar(dataset_path: Path) -> dict[str, Any] | None:
    """The sidecar's JSON, or None when there is none (or it cannot be read as a sidecar)."""
    path = sidecar_path(dataset_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data


def build_sidecar(
    records: Sequence[Record],
    entries: Sequence[ReviewEntry | None],
    unmatched: Sequence[dict[str, Any]] = (),
    sections: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The sidecar JSON for these records (keys computed from the bytes as they are now)."""
    marked = [i for i, e in enumerate(entries) if e is not None and not e.is_empty]
    sizes = {len(records[i].raw) for i in marked}
    wanted = set(marked)
    seen: dict[tuple[int, str], int] = {}
    out: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        size = len(record.raw)
        if size not in sizes:
            continue
        digest = line_key(record.raw)
        occurrence = seen.get((size, digest), 0)
        seen[(size, digest)] = occurrence + 1
        if index in wanted:
            entry = entries[index]
            assert entry is not None
            item = {"size": size, "key": digest, "occurrence": occurrence, "line": index + 1}
            out.append(item | entry.to_json())
    data: dict[str, Any] = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "entries": out}
    data.update({k: v for k, v in (sections or {}).items() if k not in _OWN_KEYS and v})
    lost = [item for item in unmatched if DATASET_KEY not in item]
    if lost:
        data["unmatched"] = lost
    for item in unmatched:
        if item.get(DATASET_KEY):
            data[DATASET_KEY] = item[DATASET_KEY]
    return data


def write_sidecar(dataset_path: Path, data: dict[str, Any]) -> None:
    """Write the sidecar atomically; a dataset without any review data gets no sidecar. The
    word list already in the sidecar is kept (it is saved on its own, `write_wordlist`)."""
    path = sidecar_path(dataset_path)
    if "wordlist" not in data:
        kept = (read_sidecar(dataset_path) or {}).get("wordlist")
        if kept:
            data = data | {"wordlist": kept}
    if (
        not data.get("entries")
        and not data.get("unmatched")
        and not data.get(DATASET_KEY)
        and not data.get("wordlist")
        and not sidecar_sections(data)
    ):
        if path.exists():
            path.unlink()
        return
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_atomic(path, [text.encode("utf-8")])


def sidecar_wordlist(dataset_path: Path) -> WordList | None:
    """The dataset's word list kept in its sidecar (None when there is none)."""
    data = read_sidecar(dataset_path)
    if data is None or "wordlist" not in data:
        return None
    return WordList.from_json(data["wordlist"])


def write_wordlist(dataset_path: Path, words: WordList) -> None:
    """Keep `words` as the dataset's word list, beside its review entries."""
    data = read_sidecar(dataset_path) or {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "entries": [],
    }
    data["wordlist"] = words.to_json() if not words.is_empty else {}  # {}: none any more
    write_sidecar(dataset_path, data)


# ---- the in-memory store ---------------------------------------------------------------------
class ReviewStore:
    """One review entry per record of a dataset, following its edits."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._entries: list[ReviewEntry | None] = [None] * len(dataset)
        self._records: list[Record] = list(dataset)
        self._removed: dict[int, tuple[Record, ReviewEntry]] = {}
        self.unmatched: list[dict[str, Any]] = []
        self.sections: dict[str, Any] = {}  # file-wide sidecar sections ("spelling", …)
        self.changed: Event[int, int] = Event()  # first, last (inclusive)
        self.spelling_changed: Event[[]] = Event()
        self.dataset_intended: tuple[str, ...] = ()  # file-wide warnings set aside
        self.dataset_changed: Event[[]] = Event()
        self.tags_changed: Event[[]] = Event()
        dataset.inserted.connect(self._on_inserted)
        dataset.removing.connect(self._on_removing)
        dataset.removed.connect(self._on_removed)
        dataset.changed.connect(self._on_changed)
        dataset.reset.connect(self._on_reset)

    def detach(self) -> None:
        self.dataset.inserted.disconnect(self._on_inserted)
        self.dataset.removing.disconnect(self._on_removing)
        self.dataset.removed.disconnect(self._on_removed)
        self.dataset.changed.disconnect(self._on_changed)
        self.dataset.reset.disconnect(self._on_reset)

    # ---- reading
    def __len__(self) -> int:
        return len(self._entries)

    def get(self, index: int) -> ReviewEntry:
        entry = self._entries[index]
        return entry if entry is not None else EMPTY

    def entries(self, indexes: Iterable[int]) -> list[ReviewEntry]:
        return [self.get(i) for i in indexes]

    def all_tags(self) -> list[str]:
        tags: set[str] = set()
        for entry in self._entries:
            if entry is not None:
                tags.update(entry.tags)
        return sorted(tags, key=str.casefold)

    def status_counts(self) -> dict[ReviewStatus, int]:
        counts = dict.fromkeys(ReviewStatus, 0)
        counts[ReviewStatus.DRAFT] = self._entries.count(None)  # (most lines have no entry)
        for entry in filter(None, self._entries):
            counts[entry.status] += 1
        return counts

    def has_data(self) -> bool:
        return (
            bool(self.unmatched)
            or bool(self.dataset_intended)
            or bool(sidecar_sections(self.sections))
            or any(e is not None and not e.is_empty for e in self._entries)
        )

    def set_dataset_intended(self, keys: Sequence[str]) -> None:
        """The file-wide warnings set aside (see `intended_key`)."""
        self.dataset_intended = normalise_tags(keys)
        self.dataset_changed.emit()

    # ---- writing (the undo commands call these)
    def set_entries(self, indexes: Sequence[int], entries: Sequence[ReviewEntry]) -> None:
        if not indexes:
            return
        tags_before = self._tag_set(indexes)
        for index, entry in zip(indexes, entries, strict=True):
            self._entries[index] = None if entry.is_empty else entry
        self.changed.emit(min(indexes), max(indexes))
        if tags_before != self._tag_set(indexes):
            self.tags_changed.emit()

    def set_field(self, indexes: Sequence[int], field: str, value: Any) -> list[ReviewEntry]:
        """Set one field on several records; returns the old entries (for undo)."""
        old = self.entries(indexes)
        self.set_entries(indexes, [e.with_field(field, value) for e in old])
        return old

    @property
    def spelling(self) -> DatasetSpelling:
        return DatasetSpelling.from_json(self.sections.get("spelling"))

    def set_spelling(self, spelling: DatasetSpelling) -> None:
        """The dataset's spelling language and words (saved in the sidecar with the dataset)."""
        if spelling.is_empty:
            self.sections.pop("spelling", None)
        else:
            self.sections["spelling"] = spelling.to_json()
        self.spelling_changed.emit()

    def load(
        self,
        matches: dict[int, ReviewEntry],
        unmatched: list[dict[str, Any]],
        sections: dict[str, Any] | None = None,
    ) -> None:
        """Take the entries found in a sidecar (or a recovery file)."""
        for index, entry in matches.items():
            if 0 <= index < len(self._entries):
                self._entries[index] = entry
        self.unmatched = [item for item in unmatched if DATASET_KEY not in item]
        for item in unmatched:
            notes = item.get(DATASET_KEY)
            intended = notes.get("intended") if isinstance(notes, dict) else None
            if isinstance(intended, list):
                self.set_dataset_intended([str(k) for k in intended])
        if sections is not None:
            self.sections = dict(sections)
            self.spelling_changed.emit()
        if matches:
            self.changed.emit(min(matches), max(matches))
            self.tags_changed.emit()

    def snapshot(self) -> tuple[list[Record], list[ReviewEntry | None], list[dict[str, Any]]]:
        """Copies (cheap: references) to build a sidecar on another thread; the file-wide notes
        travel with the unmatched entries (build_sidecar writes them under "dataset")."""
        notes = [{DATASET_KEY: {"intended": list(self.dataset_intended)}}]
        extra = notes if self.dataset_intended else []
        return list(self.dataset), list(self._entries), self.unmatched + extra

    def to_json(self) -> dict[str, Any]:
        return build_sidecar(*self.snapshot(), sections=self.sections)

    def _tag_set(self, indexes: Sequence[int]) -> set[str]:
        return {t for i in indexes for t in self.get(i).tags}

    # ---- following the dataset
    def _on_inserted(self, start: int, count: int) -> None:
        new = [self.dataset[i] for i in range(start, start + count)]
        restored: list[ReviewEntry | None] = []
        for record in new:
            kept = self._removed.pop(id(record), None)
            restored.append(kept[1] if kept is not None and kept[0] is record else None)
        self._entries[start:start] = restored
        self._records[start:start] = new
        if any(e is not None for e in restored):
            self.changed.emit(start, start + count - 1)
            self.tags_changed.emit()

    def _on_removing(self, start: int, count: int) -> None:
        for index in range(start, start + count):
            entry = self._entries[index]
            if entry is not None:
                record = self.dataset[index]
                self._removed[id(record)] = (record, entry)

    def _on_removed(self, start: int, count: int) -> None:
        had_tags = any(e is not None and e.tags for e in self._entries[start : start + count])
        del self._entries[start : start + count]
        del self._records[start : start + count]
        if had_tags:
            self.tags_changed.emit()

    def _on_changed(self, first: int, last: int) -> None:
        for index in range(first, last + 1):
            self._records[index] = self.dataset[index]

    def _on_reset(self) -> None:
        by_record = {
            id(r): e for r, e in zip(self._records, self._entries, strict=True) if e is not None
        }
        by_record.update({key: e for key, (_, e) in self._removed.items()})
        self._records = list(self.dataset)
        self._entries = [by_record.get(id(r)) for r in self._records]
        self.tags_changed.emit()
