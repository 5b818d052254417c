"""A fine-tuning dataset as the file holds it: one record per physical line, saved back losslessly.

Every line of the file becomes a `Record` that keeps its exact bytes and its line ending. A line
the user does not change is written back byte for byte; an edited line is re-serialised in the
file's own style. Blank and broken lines stay where they are, so nothing is ever dropped, and the
training file written for upload leaves them (and anything the app keeps for itself) out.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.events import Event
from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind, parse_line
from desktop_app.core.errors import DatasetOpenError
from desktop_app.core.files.atomic import remove_stale_temporaries, write_atomic

BOM = b"\xef\xbb\xbf"
_READ_CHUNK = 8 * 1024 * 1024


@dataclass(slots=True)
class Record:
    """One physical line: its bytes without the ending, and the ending (b"\\n", b"\\r\\n" or b"")."""

    raw: bytes
    ending: bytes = b"\n"
    edited: bool = False

    def parse(self) -> ParsedLine:
        return parse_line(self.raw)

    @property
    def text(self) -> str:
        """The line as text for the raw editor (undecodable bytes shown as �)."""
        return self.raw.decode("utf-8", errors="replace")


class DatasetKind:
    CHAT = "chat"
    PREFERENCE = "preference"


@dataclass(frozen=True, slots=True)
class JsonStyle:
    """How the file writes JSON, so edited lines look like their neighbours."""

    separators: tuple[str, str] = (", ", ": ")
    ensure_ascii: bool = False

    def dumps(self, value: Any) -> bytes:
        text = json.dumps(value, ensure_ascii=self.ensure_ascii, separators=self.separators)
        return text.encode("utf-8")


class Dataset:
    """The records of one JSONL file, with change events for the Qt adapters."""

    def __init__(
        self,
        records: list[Record] | None = None,
        *,
        path: Path | None = None,
        bom: bool = False,
    ) -> None:
        self._records: list[Record] = records if records is not None else []
        self.path = path
        self.bom = bom
        self.ending = _dominant_ending(self._records)
        self.style = _detect_style(self._records)
        self.revision = 0  # rises with every change; lets autosave and views notice edits
        # before/after pairs so an item model can call begin*/end* around each change
        self.inserting: Event[int, int] = Event()
        self.inserted: Event[int, int] = Event()
        self.removing: Event[int, int] = Event()
        self.removed: Event[int, int] = Event()
        self.changed: Event[int, int] = Event()  # first, last (inclusive)
        self.reset: Event[[]] = Event()

    # ---- reading -------------------------------------------------------------------------
    @classmethod
    def open(
        cls, path: str | os.PathLike[str], on_bytes: Callable[[int], None] | None = None
    ) -> Dataset:
        """Read a file; `on_bytes(n)` hears of each chunk read (for a progress bar)."""
        path = Path(path)
        require_regular_file(path)
        remove_stale_temporaries(path)
        try:
            with path.open("rb") as handle:
                bom, records = _read_records(handle, on_bytes)
        except OSError as exc:
            raise open_error(path, exc) from exc
        return cls(records, path=path, bom=bom)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | None = None) -> Dataset:
        import io

        bom, records = _read_records(io.BytesIO(data))
        return cls(records, path=path, bom=bom)

    @classmethod
    def from_values(cls, values: Iterable[Any], path: Path | None = None) -> Dataset:
        style = JsonStyle()
        return cls([Record(style.dumps(v)) for v in values], path=path)

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> Record:
        return self._records[index]

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    @property
    def kind(self) -> str:
        """chat or preference, judged from the first examples that parse."""
        chat = preference = 0
        for record in self._records:
            kind = record.parse().kind
            chat += kind is RecordKind.CHAT
            preference += kind is RecordKind.PREFERENCE
            if chat + preference >= 50:
                break
        return DatasetKind.PREFERENCE if preference > chat else DatasetKind.CHAT

    def value(self, index: int) -> Any:
        """The parsed JSON of a line, or None when it is blank or broken."""
        parsed = self._records[index].parse()
        return parsed.value if parsed.kind not in (RecordKind.BLANK, RecordKind.BROKEN) else None

    # ---- writing -------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return b"".join(self.iter_bytes())

    def iter_bytes(self) -> Iterator[bytes]:
        if self.bom:
            yield BOM
        for record in self._records:
            yield record.raw
            yield record.ending

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("save() needs a path for a dataset that was never saved")
        remove_stale_temporaries(target)
        write_atomic(target, self.iter_bytes())
        self.path = target
        for record in self._records:
            record.edited = False

    def training_bytes(self, indexes: Iterable[int] | None = None) -> bytes:
        """The upload/export file: examples only, LF endings, no BOM, no blank or broken lines."""
        picked = range(len(self._records)) if indexes is None else indexes
        lines = []
        for index in picked:
            record = self._records[index]
            if record.parse().kind in (RecordKind.CHAT, RecordKind.PREFERENCE):
                lines.append(record.raw + b"\n")
        return b"".join(lines)

    # ---- editing (every change goes through these, so undo can restore exact bytes) -------
    def make_record(self, value: Any) -> Record:
        return Record(self.style.dumps(value), self.ending, edited=True)

    def make_raw_record(self, text: str) -> Record:
        return Record(text.replace("\r", "").replace("\n", " ").encode("utf-8"), self.ending, True)

    def set_value(self, index: int, value: Any) -> Record:
        """Replace a line's example; returns the old record (keep it to undo exactly)."""
        old = self._records[index]
        return self.replace_record(index, Record(self.style.dumps(value), old.ending, True))

    def set_text(self, index: int, text: str) -> Record:
        """Replace a line's raw text (the raw JSON editor); returns the old record."""
        old = self._records[index]
        new = self.make_raw_record(text)
        new.ending = old.ending
        return self.replace_record(index, new)

    def replace_record(self, index: int, record: Record) -> Record:
        old = self._records[index]
        self._records[index] = record
        self._touch()
        self.changed.emit(index, index)
        return old

    def insert_records(self, index: int, records: Sequence[Record]) -> None:
        if not records:
            return
        records = list(records)
        at_end = index >= len(self._records)
        if at_end and self._records and self._records[-1].ending == b"":
            # keep "no newline at the end" on the new last line, not the old one
            self._records[-1].ending = self.ending
            records[-1].ending = b""
        self.inserting.emit(index, len(records))
        self._records[index:index] = records
        self._touch()
        self.inserted.emit(index, len(records))

    def insert_values(self, index: int, values: Iterable[Any]) -> list[Record]:
        records = [self.make_record(v) for v in values]
        self.insert_records(index, records)
        return records

    def remove(self, index: int, count: int = 1) -> list[Record]:
        """Remove `count` lines from `index`; returns them (re-insert them to undo)."""
        count = max(0, min(count, len(self._records) - index))
        if count == 0:
            return []
        self.removing.emit(index, count)
        removed = self._records[index : index + count]
        del self._records[index : index + count]
        self._touch()
        self.removed.emit(index, count)
        return removed

    def replace_all(self, records: list[Record]) -> list[Record]:
        old = self._records
        self._records = records
        self._touch()
        self.reset.emit()
        return old

    def _touch(self) -> None:
        self.revision += 1


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def require_regular_file(path: Path) -> None:
    """Refuse at once what is not a file on disk (a FIFO or a device would hang or never end)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise open_error(path, exc) from exc
    if stat.S_ISDIR(mode):
        raise open_error(path, IsADirectoryError(path))
    for test, kind in _SPECIAL_KINDS:
        if test(mode):
            raise DatasetOpenError(
                f"“{path.name}” is not a regular file: it is {kind}, which cannot be opened as a "
                "dataset.",
                "Save the data to a .jsonl file first, then open that file.",
            )


def open_error(path: Path, exc: OSError) -> DatasetOpenError:
    """The plain-language reason a file could not be opened."""
    name = path.name
    if isinstance(exc, FileNotFoundError):
        return DatasetOpenError(
            f"“{name}” could not be found.",
            "Check that the file still exists, or pick it again with Open.",
        )
    if isinstance(exc, IsADirectoryError):
        return DatasetOpenError(
            f"“{name}” is a folder, not a dataset file.", "Open the .jsonl file inside it instead."
        )
    if isinstance(exc, PermissionError):
        return DatasetOpenError(
            f"“{name}” could not be opened because you do not have permission to read it.",
            "Ask the file's owner for access, or copy it somewhere you can read it.",
        )
    return DatasetOpenError(
        f"“{name}” could not be read ({exc.strerror or 'the system refused'}).",
        "Check the file (is the disk or network drive still there?) and try again.",
        technical=f"{type(exc).__name__}: {exc}",
    )


class RecordChunks:
    """A binary stream split into records chunk by chunk, so memory stays near the file size: the
    one reader of both `Dataset.open` and the window's batched loader (dataset/loader.py). Each
    step reads one chunk and yields the records it completed (maybe none: a long line); the last
    line, when it has no ending, comes last. `bom` is known once the first list is yielded."""

    def __init__(
        self,
        handle: Any,
        size: int = _READ_CHUNK,
        *,
        first_size: int | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self.handle = handle
        self.size = size
        self.first_size = first_size or size
        self.on_bytes = on_bytes
        self.bom = False
        self.bytes_read = 0  # with the BOM

    def __iter__(self) -> Iterator[list[Record]]:
        carry = b""
        first = True
        while True:
            chunk = self.handle.read(self.first_size if first else self.size)
            self.bytes_read += len(chunk)
            if self.on_bytes is not None:
                self.on_bytes(len(chunk))
            if first:
                first = False
                if chunk.startswith(BOM):
                    self.bom, chunk = True, chunk[len(BOM) :]
            if not chunk:
                break
            data = carry + chunk if carry else chunk
            lines = data.split(b"\n")
            carry = lines.pop()
            yield [_record(line, b"\n") for line in lines]
        if carry:
            yield [_record(carry, b"")]


def _read_records(
    handle: Any, on_bytes: Callable[[int], None] | None = None
) -> tuple[bool, list[Record]]:
    chunks = RecordChunks(handle, on_bytes=on_bytes)
    records: list[Record] = []
    for part in chunks:
        records += part
    return chunks.bom, records


def _record(line: bytes, newline: bytes) -> Record:
    if line.endswith(b"\r") and newline:
        return Record(line[:-1], b"\r\n")
    return Record(line, newline)


def _dominant_ending(records: list[Record]) -> bytes:
    crlf = sum(1 for r in records[:1000] if r.ending == b"\r\n")
    lf = sum(1 for r in records[:1000] if r.ending == b"\n")
    return b"\r\n" if crlf > lf else b"\n"


def _detect_style(records: list[Record]) -> JsonStyle:
    compact = spaced = 0
    ascii_escapes = 0
    for record in records[:50]:
        raw = record.raw
        if raw.startswith(b"{"):
            spaced += raw.count(b'": ') > 0
            compact += raw.count(b'":') > raw.count(b'": ')
            ascii_escapes += b"\\u00" in raw and raw.isascii()
    separators = (",", ":") if compact > spaced else (", ", ": ")
    return JsonStyle(separators=separators, ensure_ascii=ascii_escapes > 0)
