"""The one-line text the examples table shows for a line.

One rule for every line, used both by the check (the summary's preview) and by the table before
the check has run, so a row's text never changes when its check arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop_app.core.dataset.jsonline import ParsedLine, RecordKind

PREVIEW_CHARS = 160


def line_preview(parsed: ParsedLine, raw: bytes) -> str:
    """The first user message on one line (or what stands in for it)."""
    kind = parsed.kind
    if kind is RecordKind.BLANK:
        return "(blank line)"
    if kind is RecordKind.BROKEN:
        return "(cannot be read) " + one_line(_decoded(raw))
    value = parsed.value
    for message in _messages(value, kind):
        if isinstance(message, dict) and message.get("role") == "user":
            return one_line(_text_of(message.get("content"))) or "(empty message)"
    prompt = value.get("prompt")
    if isinstance(prompt, str):  # the legacy prompt/completion form
        return one_line(prompt)
    if kind is RecordKind.OTHER:
        return one_line(_decoded(raw))
    return "(no user message)"


def one_line(text: str) -> str:
    """`text` on one line, at most PREVIEW_CHARS characters (an ellipsis marks a cut)."""
    text = " ".join(text[: PREVIEW_CHARS * 4].split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _messages(value: dict[str, Any], kind: RecordKind) -> Sequence[Any]:
    """The messages a preview looks at: the chat's, or a preference pair's input."""
    if kind is RecordKind.PREFERENCE:
        source = value.get("input")
        messages = source.get("messages") if isinstance(source, dict) else None
    else:
        messages = value.get("messages")
    return messages if isinstance(messages, list) else ()


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict)]
        return " ".join(t for t in texts if isinstance(t, str))
    return ""


def _decoded(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
