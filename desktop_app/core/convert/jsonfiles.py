"""Bringing in a .json or .jsonl file of any shape: read (and repaired) first, then converted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.convert.legacy import legacy_to_chat
from desktop_app.core.convert.notes import Conversion, ConversionError
from desktop_app.core.convert.shapes import (
    CHAT,
    OPENAI_PREFERENCE,
    PAIRS,
    Mapping,
    convert_values,
    detect,
    shape_error,
)
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.repair import repair_dataset

ALREADY_CHAT = ConversionError(
    "This file has no prompt/completion examples or other shapes to convert: "
    "it is already in chat format.",
    "Open it in Finetune Studio or run ftstudio validate.",
)


_CHANGES_SHOWN = 5


@dataclass
class JsonSource:
    """The examples of a JSON/JSONL file, as read (after repair), with what the repair did."""

    dataset: Dataset  # the file as it is on disk
    values: list[Any]
    repaired: list[str]  # notes from the repair (empty when the file needed none)
    broken: int  # pieces that could not be read at all


def read_json_source(
    path: Path,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> JsonSource:
    dataset = Dataset.open(path)
    result = repair_dataset(dataset, preview=False, progress=progress, cancelled=cancelled)
    values = []
    for record in result.records:
        parsed = record.parse()
        if parsed.kind not in (RecordKind.BLANK, RecordKind.BROKEN):
            values.append(parsed.value)
    notes = []
    if result.changed and path.suffix.lower() == ".json":  # a .json file is rarely one per line
        notes.append(f"Read {result.summary()}")
    elif result.changed:
        notes.append(f"The file was repaired as it was read ({result.summary()[:-1]}).")
    changes = [line for line in map(_beyond_layout, result.report_lines()) if line]
    notes += changes[:_CHANGES_SHOWN]
    if len(changes) > _CHANGES_SHOWN:
        notes.append(f"… and {len(changes) - _CHANGES_SHOWN} more: ftstudio repair lists them all.")
    if result.left:
        notes.append(
            "These parts could not be read and were not brought in: "
            + ", ".join(piece.where for piece in result.left[:10])
            + ". Open the file in Finetune Studio to see them."
        )
    return JsonSource(dataset, values, notes, len(result.left))


_LAYOUT = ("written over", "wrapped in", "out of the list", "end of the list", "on its own line")


def _beyond_layout(line: str) -> str:
    """A repair report line without what only changed the layout (“Line 5: renamed …”), or ""."""
    where, _, what = line.partition(": ")
    kept = [part for part in what.rstrip(".").split("; ") if not any(w in part for w in _LAYOUT)]
    return f"{where}: {'; '.join(kept)}." if kept else ""


def import_json(
    path: Path,
    system: str | None = None,
    mapping: Mapping | None = None,
    source: JsonSource | None = None,
    *,
    refuse_unchanged: bool = True,
) -> Conversion:
    """Chat (or preference) examples from a .json/.jsonl file of any shape this package knows."""
    source = source or read_json_source(path)
    mapping = mapping or detect(source.values)
    if mapping is None:
        raise shape_error(path.name)
    if mapping.shape == PAIRS and (mapping.prompt, mapping.reply) == ("prompt", "completion"):
        # prompt/completion: the legacy converter also removes the old API's separators
        dataset = source.dataset if not source.repaired else Dataset.from_values(source.values)
        values, notes = legacy_to_chat(dataset, system)
        return Conversion(values, source.repaired + notes)
    values, notes = convert_values(source.values, mapping, system)
    unchanged = mapping.shape in (CHAT, OPENAI_PREFERENCE) and values == source.values
    if unchanged and refuse_unchanged and not system and not source.repaired:
        raise ALREADY_CHAT
    return Conversion(values, source.repaired + notes)
