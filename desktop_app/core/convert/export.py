"""Chat examples out to a spreadsheet (CSV with system, user and assistant columns) or JSONL."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app.core.convert.notes import Conversion, ConversionError, Notes
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.files.atomic import write_atomic

CSV_COLUMNS = ("system", "user", "assistant")


def chat_to_rows(dataset: Dataset) -> Conversion:
    """Rows of (system, user, assistant) text, one per chat example.

    The reply is the example's last assistant message. Everything before it except the system
    messages becomes the user cell: the user's text alone for a single-turn example, or a
    transcript ("User: …", "Assistant: …" paragraphs) for a longer conversation.
    """
    notes = Notes()
    rows: list[dict[str, Any]] = []
    preference = 0
    for index, record in enumerate(dataset):
        line = index + 1
        parsed = record.parse()
        if parsed.kind is RecordKind.CHAT:
            row = _chat_row(parsed.value, line, notes)
            if row is not None:
                rows.append(row)
        elif parsed.kind is RecordKind.PREFERENCE:
            preference += 1
            notes.at(
                "{where} {has} a preference pair, which a system/user/assistant table cannot hold, so {it} {was} left out.",
                line,
            )
        elif parsed.kind is RecordKind.BROKEN:
            notes.at("{where} {was} not valid JSON, so {it} {was} left out.", line)
        elif parsed.kind is RecordKind.OTHER:
            notes.at("{where} {was} not a chat example, so {it} {was} left out.", line)
    if not rows:
        raise ConversionError(
            "This file has no chat examples to write as a table.",
            "Preference pairs and prompt/completion lines cannot be exported to CSV."
            if preference
            else "Check that the file holds chat examples with “messages”.",
        )
    return Conversion(rows, notes.render("line"))


def _chat_row(value: dict[str, Any], line: int, notes: Notes) -> dict[str, Any] | None:
    raw = value.get("messages")
    messages = [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=None)
    if last is None:
        notes.at("{where} {has} no assistant reply, so {it} {was} left out.", line)
        return None
    if last < len(messages) - 1:
        notes.at("{where} {has} messages after the last reply; those messages were left out.", line)
    systems = [_text_of(m, line, notes) for m in messages[:last] if m.get("role") == "system"]
    turns = [m for m in messages[:last] if m.get("role") != "system"]
    if any(m.get("tool_calls") or m.get("function_call") for m in messages) or value.get("tools"):
        notes.at(
            "{where} {has} tool calls or tool definitions, which a table cannot hold; they were left out.",
            line,
        )
    if any("weight" in m for m in messages):
        notes.at(
            "{where} {has} reply weights, which a table cannot hold; they were left out.", line
        )
    if len(turns) == 1 and turns[0].get("role") == "user":
        user = _text_of(turns[0], line, notes)
    else:
        said = ((str(m.get("role", "")).capitalize(), _text_of(m, line, notes)) for m in turns)
        user = "\n\n".join(f"{role}: {text}" for role, text in said if text)
    return {
        "system": "\n\n".join(s for s in systems if s),
        "user": user,
        "assistant": _text_of(messages[last], line, notes),
    }


def _text_of(message: dict[str, Any], line: int, notes: Notes) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        if len(texts) != len(content):
            notes.at(
                "{where} {has} images or other parts that are not text; they were left out.", line
            )
        return "\n".join(t for t in texts if isinstance(t, str))
    if content is not None:
        notes.at("{where} {has} message content that is not text; it was left out.", line)
    return ""


def write_csv(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Write system/user/assistant rows as CSV with a UTF-8 BOM (so Excel reads accents right)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(Path(path), [b"\xef\xbb\xbf", buffer.getvalue().encode("utf-8", "surrogatepass")])


def write_jsonl(values: Sequence[dict[str, Any]], path: Path) -> None:
    """Write chat examples as JSONL (one per line, UTF-8, LF), atomically."""
    Dataset.from_values(values).save(Path(path))
