"""One line's summary (what the checks found, its tokens and hashes), and its plain-tuple
form for sending between processes (pickled several times faster than the dataclass)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.core.checks.voice.features import VoiceFeatures
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.problems import Problem


@dataclass(frozen=True, slots=True)
class RecordSummary:
    kind: RecordKind
    preview: str  # the table's text for the line (desktop_app.core.dataset.preview)
    turns: int  # number of messages
    tokens: int | None  # Cookbook total for the example, None if not countable
    assistant_tokens: int | None
    trained_tokens: int | None
    problems: tuple[Problem, ...]  # per-line problems, `line` filled in
    content_hash: bytes  # canonical hash for duplicates/leaks; b"" for blank/broken
    prompt_hash: bytes  # hash of everything before the final assistant reply; b"" if none
    images: int = 0  # image parts in the example
    has_system: bool = False
    has_user: bool = False
    voice: VoiceFeatures | None = None  # what the voice checks read (desktop_app.core.checks.voice)


_FIELDS = RecordSummary.__slots__


def summary_as_tuple(summary: RecordSummary) -> tuple[Any, ...]:
    """A summary as a plain tuple, to send to another process (`RecordSummary(*row)` back)."""
    return tuple(getattr(summary, name) for name in _FIELDS)


def summaries_from_tuples(
    result: tuple[int, list[tuple[Any, ...]]],
) -> tuple[int, list[RecordSummary]]:
    """A range's result as `run_range` sent it: (lines, summaries)."""
    count, rows = result
    return count, [RecordSummary(*row) for row in rows]
