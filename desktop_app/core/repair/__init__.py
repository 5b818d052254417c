"""Repairing a file that is not one example per line, and saying in plain words what was done.

`repair_dataset` repairs an open dataset in memory (the app's preview and Repair);
`repair_file` streams a file into a new one (`ftstudio repair`), so memory stays small.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.dataset.records import BOM, Dataset, JsonStyle, Record, open_error
from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.repair.engine import LEFT, REMOVED, REPAIRED, Piece, Repairer, is_example

__all__ = [
    "LEFT",
    "REMOVED",
    "REPAIRED",
    "Cancelled",
    "Piece",
    "RepairResult",
    "is_example",
    "repair_dataset",
    "repair_file",
    "repair_records",
]

Progress = Callable[[float], None]
_PROGRESS_EVERY = 2000  # lines


class Cancelled(Exception):
    """The writer stopped the repair; nothing was changed."""


@dataclass
class RepairResult:
    lines: int  # lines read
    examples: int  # examples in the repaired file
    pieces: list[Piece]  # every change, and every piece left as it was
    records: list[Record] = field(default_factory=list)  # the repaired file (not for repair_file)
    bom: bool = False

    @property
    def changed(self) -> bool:
        return any(piece.status != LEFT for piece in self.pieces)

    @property
    def structural(self) -> bool:
        """The file is not one example per line (or has lines that cannot be read). Renamed
        roles alone are not: the checks point at those and fix them one by one."""
        return any(piece.status == LEFT or not piece.roles_only for piece in self.pieces)

    @property
    def left(self) -> list[Piece]:
        return [piece for piece in self.pieces if piece.status == LEFT]

    def summary(self) -> str:
        """“24 examples from 96 lines; 2 pieces left as they were: lines 171–174, line 180.”"""
        examples = f"{self.examples:,} example{'s' if self.examples != 1 else ''}"
        text = f"{examples} from {self.lines:,} line{'s' if self.lines != 1 else ''}"
        if not self.changed and not self.left:
            return f"Nothing to repair: {text}."
        left = self.left
        if left:
            shown = ", ".join(piece.where for piece in left[:5])
            more = f" and {len(left) - 5} more" if len(left) > 5 else ""
            what = "piece" if len(left) == 1 else "pieces"
            text += f"; {len(left)} {what} left as {'it was' if len(left) == 1 else 'they were'}: {shown}{more}"
        return text + "."

    def report_lines(self) -> list[str]:
        """One line per change: where, then what was done; neighbours with the same words merge."""
        lines = []
        for group in _groups(self.pieces):
            first, last = group[0].first, group[-1].last
            where = f"Line {first}" if first == last else f"Lines {first}–{last}"
            count = (
                f" ({len(group)} examples)"
                if len(group) > 1 and group[0].status == REPAIRED
                else ""
            )
            lines.append(f"{where}{count}: {'; '.join(group[0].notes)}.")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "lines": self.lines,
            "examples": self.examples,
            "left_as_they_were": len(self.left),
            "changes": [
                {"first_line": p.first, "last_line": p.last, "status": p.status, "notes": p.notes}
                for p in self.pieces
            ],
        }


def _groups(pieces: list[Piece]) -> list[list[Piece]]:
    """Neighbouring pieces (at most a blank line apart) that had the same thing done to them."""
    groups: list[list[Piece]] = []
    for piece in pieces:
        last = groups[-1][-1] if groups else None
        if (
            last
            and (last.status, last.notes) == (piece.status, piece.notes)
            and piece.first <= last.last + 2
        ):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def repair_records(
    records: Iterable[Record],
    *,
    style: JsonStyle | None = None,
    ending: bytes = b"\n",
    preview: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    total: int = 0,
) -> RepairResult:
    """Repair lines held in memory; the result holds the repaired records."""
    out: list[Record] = []
    repairer = Repairer(out.append, style=style, ending=ending, preview=preview)
    _run(repairer, ((r.raw, r.ending) for r in records), total, progress, cancelled)
    return RepairResult(repairer.lines, repairer.examples, repairer.pieces, out)


def repair_dataset(
    dataset: Dataset,
    *,
    preview: bool = True,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RepairResult:
    result = repair_records(
        dataset,
        style=dataset.style,
        ending=dataset.ending,
        preview=preview,
        progress=progress,
        cancelled=cancelled,
        total=len(dataset),
    )
    result.bom = dataset.bom
    return result


def repair_file(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RepairResult:
    """Write the repaired `source` to `target` (atomically); `source` is only read."""
    source, target = Path(source), Path(target)
    try:
        handle = source.open("rb")
        size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise open_error(source, exc) from exc
    with handle:
        head = handle.read(64 * 1024)  # enough to see the file's line endings and JSON style
        handle.seek(0)
        sample = Dataset.from_bytes(head)
        bom = head.startswith(BOM)
        repairer_out: list[Record] = []
        repairer = Repairer(repairer_out.append, style=sample.style, ending=sample.ending)
        write_atomic(
            target, _stream(handle, bom, repairer, repairer_out, size, progress, cancelled)
        )
    return RepairResult(repairer.lines, repairer.examples, repairer.pieces, bom=bom)


def _stream(
    handle: Any,
    bom: bool,
    repairer: Repairer,
    out: list[Record],
    size: int,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> Iterator[bytes]:
    if bom:
        handle.read(len(BOM))
        yield BOM
    done = 0
    for count, line in enumerate(handle, 1):
        done += len(line)
        raw, ending = _split_ending(line)
        repairer.feed(raw, ending)
        if out:
            yield b"".join(r.raw + r.ending for r in out)
            out.clear()
        if count % _PROGRESS_EVERY == 0:
            _tick(progress, cancelled, done / size if size else 1.0)
    repairer.finish()
    if out:
        yield b"".join(r.raw + r.ending for r in out)
    if progress:
        progress(1.0)


def _split_ending(line: bytes) -> tuple[bytes, bytes]:
    if line.endswith(b"\r\n"):
        return line[:-2], b"\r\n"
    if line.endswith(b"\n"):
        return line[:-1], b"\n"
    return line, b""


def _run(
    repairer: Repairer,
    lines: Iterable[tuple[bytes, bytes]],
    total: int,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    for count, (raw, ending) in enumerate(lines, 1):
        repairer.feed(raw, ending)
        if count % _PROGRESS_EVERY == 0:
            _tick(progress, cancelled, count / total if total else 1.0)
    repairer.finish()
    if progress:
        progress(1.0)


def _tick(progress: Progress | None, cancelled: Callable[[], bool] | None, fraction: float) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled
    if progress is not None:
        progress(min(fraction, 1.0))
