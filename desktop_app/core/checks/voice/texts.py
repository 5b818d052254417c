"""The words of a few examples, fetched again when a finding should quote them (near-copies show
the words that differ): from the file on disk (the command line) or from lines held in memory
(the app). Line summaries keep no text, so a 200 MB file is never held in memory twice."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.checks.voice.near import Texts
from desktop_app.core.dataset.edits import text_of as message_text


def example_texts(raw: bytes) -> tuple[str, str] | None:
    """(the user's words, the final reply) of a chat line or preference pair; None otherwise."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    messages: Any = value.get("messages")
    reply = ""
    if not isinstance(messages, list):
        source = value.get("input")
        messages = source.get("messages") if isinstance(source, dict) else None
        outputs = value.get("preferred_output")
        if not isinstance(messages, list) or not isinstance(outputs, list) or not outputs:
            return None
        reply = message_text(outputs[0])
    else:
        for index in range(len(messages) - 1, -1, -1):
            if isinstance(messages[index], dict) and messages[index].get("role") == "assistant":
                reply = message_text(messages[index])
                messages = messages[:index]
                break
    user = "\n".join(
        message_text(m) for m in messages if isinstance(m, dict) and m.get("role") == "user"
    )
    return user, reply


def file_texts(path: Path) -> Texts:
    """Texts of lines of a file, read in one pass over it when asked."""

    def read(lines: set[int]) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}
        last = max(lines, default=0)
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if number in lines:
                    texts = example_texts(raw.lstrip(b"\xef\xbb\xbf").rstrip(b"\r\n"))
                    if texts is not None:
                        found[number] = texts
                if number >= last:
                    break
        return found

    return read


def memory_texts(raw_of: Callable[[int], bytes | None]) -> Texts:
    """Texts of lines held in memory; `raw_of(line)` gives a line's bytes (None: gone)."""

    def read(lines: set[int]) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}
        for line in lines:
            raw = raw_of(line)
            texts = example_texts(raw) if raw is not None else None
            if texts is not None:
                found[line] = texts
        return found

    return read
