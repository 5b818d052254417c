"""Parsing one JSONL line into a value, or into a plain-language reason why it is not one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class RecordKind(StrEnum):
    BLANK = "blank"  # empty or only spaces: kept in the working file, never in a training file
    BROKEN = "broken"  # not UTF-8, not JSON, or JSON that is not an object
    CHAT = "chat"  # an object with "messages"
    PREFERENCE = (
        "preference"  # an object with "input" / "preferred_output" / "non_preferred_output"
    )
    OTHER = "other"  # an object that is neither (legacy prompt/completion, typos, ...)


@dataclass(frozen=True, slots=True)
class ParsedLine:
    kind: RecordKind
    value: Any = None  # the parsed JSON (dict for CHAT/PREFERENCE/OTHER; any JSON for some BROKEN)
    error: str = ""  # plain-language reason for BROKEN
    error_offset: int | None = None  # character offset of the error in the decoded text
    duplicate_keys: tuple[str, ...] = ()


_PREFERENCE_KEYS = frozenset({"input", "preferred_output", "non_preferred_output"})
MAX_DEPTH_MESSAGE = "This line is nested too deeply to be read as an example."


class _DuplicateTracker:
    """object_pairs_hook that builds dicts like json does (last key wins) and remembers duplicates."""

    __slots__ = ("duplicates",)

    def __init__(self) -> None:
        self.duplicates: list[str] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen and key not in self.duplicates:
                    self.duplicates.append(key)
                seen.add(key)
        return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def classify(value: Any) -> RecordKind:
    if not isinstance(value, dict):
        return RecordKind.BROKEN
    if "messages" in value:
        return RecordKind.CHAT
    if _PREFERENCE_KEYS & value.keys():
        return RecordKind.PREFERENCE
    return RecordKind.OTHER


def decode_line(raw: bytes) -> tuple[str | None, str, int | None]:
    """UTF-8 text of a line, or (None, reason, byte offset)."""
    try:
        return raw.decode("utf-8"), "", None
    except UnicodeDecodeError as exc:
        reason = f"This line is not valid UTF-8 text (the byte at position {exc.start + 1} cannot be read)."
        return None, reason, exc.start


def parse_text(text: str) -> ParsedLine:
    if not text.strip():
        return ParsedLine(RecordKind.BLANK)
    tracker = _DuplicateTracker()
    try:
        value = json.loads(text, object_pairs_hook=tracker, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return ParsedLine(RecordKind.BROKEN, error=_json_error(exc), error_offset=exc.pos)
    except ValueError as exc:  # NaN / Infinity
        word = str(exc).split(" ", 1)[0]
        return ParsedLine(
            RecordKind.BROKEN,
            error=f"This line uses {word}, which is not allowed in JSON. Replace it with a number or text.",
            error_offset=text.find(word),
        )
    except RecursionError:
        return ParsedLine(RecordKind.BROKEN, error=MAX_DEPTH_MESSAGE)
    kind = classify(value)
    if kind is RecordKind.BROKEN:
        return ParsedLine(
            kind,
            value=value,
            error=f"This line is JSON but not an example: it is {_describe(value)}, not an object in {{ }}.",
            error_offset=0,
        )
    return ParsedLine(kind, value=value, duplicate_keys=tuple(tracker.duplicates))


def parse_line(raw: bytes) -> ParsedLine:
    text, reason, offset = decode_line(raw)
    if text is None:
        return ParsedLine(RecordKind.BROKEN, error=reason, error_offset=offset)
    return parse_text(text)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a piece of text"
    if isinstance(value, bool) or value is None:
        return f"the value {json.dumps(value)}"
    return "a number"


_JSON_REASONS = {
    "Expecting value": "something is missing or there is a stray character",
    "Expecting ',' delimiter": "a comma or a closing bracket is missing",
    "Expecting ':' delimiter": "a colon is missing after a name",
    "Expecting property name enclosed in double quotes": (
        "a name is not in double quotes, or there is a trailing comma"
    ),
    "Unterminated string starting at": "a piece of text is missing its closing quote",
    "Extra data": "there is more than one JSON value on the line",
    "Invalid control character at": "a piece of text contains a raw line break or tab (write it as \\n or \\t)",
    "Invalid \\escape": "a backslash is followed by a character JSON does not allow",
}


def _json_error(exc: json.JSONDecodeError) -> str:
    reason = next((text for key, text in _JSON_REASONS.items() if exc.msg.startswith(key)), exc.msg)
    return f"This line is not valid JSON: {reason} (at character {exc.colno})."
