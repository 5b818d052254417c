"""Message content: text or a list of parts, never empty, assistant replies plain text."""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks.base import (
    FIX_CONTENT_TO_TEXT,
    FIX_JOIN_TEXT_PARTS,
    FIX_REMOVE_MESSAGE,
    FIX_TRIM_WHITESPACE,
    FIX_WRITE_MESSAGE,
    FIX_WRITE_REPLY,
    Findings,
    describe,
    nth,
    rule,
)
from desktop_app.core.problems import Fix, Severity

F = "content"
MISSING_CONTENT = rule(
    "missing_content",
    Severity.ERROR,
    "A message has no “content”.",
    family=F,
)
CONTENT_WRONG_TYPE = rule(
    "content_wrong_type",
    Severity.ERROR,
    "A message's content is a number, true/false or an object instead of text.",
    family=F,
)
ASSISTANT_CONTENT_LIST = rule(
    "assistant_content_list",
    Severity.ERROR,
    "An assistant reply is a list of parts; OpenAI only trains on replies written as plain text.",
    "OpenAI rejects such a file with the puzzling error “'str' object has no attribute 'get'”.",
    family=F,
)
CONTENT_PART_INVALID = rule(
    "content_part_invalid",
    Severity.ERROR,
    "A part of a message's content is not a text or image part.",
    'Each part looks like {"type": "text", "text": "..."} or '
    '{"type": "image_url", "image_url": {"url": "..."}}.',
    family=F,
)
UNSUPPORTED_PART = rule(
    "unsupported_content_part",
    Severity.ERROR,
    "A message contains audio or a file; fine-tuning accepts only text and images.",
    family=F,
)
EMPTY_REPLY = rule(
    "empty_reply",
    Severity.ERROR,
    "An assistant reply is empty, so the model would learn to say nothing.",
    family=F,
)
EMPTY_MESSAGE = rule(
    "empty_message",
    Severity.WARNING,
    "A system, user or tool message is empty.",
    family=F,
)
REPLY_WHITESPACE = rule(
    "reply_whitespace",
    Severity.WARNING,
    "An assistant reply starts or ends with spaces or blank lines, which the model would copy.",
    family=F,
)


def check_content(message: dict[str, Any], role: str, index: int, out: Findings) -> None:
    """Shape of `content` for the message's role (images are checked in images.py)."""
    calls = role == "assistant" and bool(message.get("tool_calls") or message.get("function_call"))
    if "content" not in message or message["content"] is None:
        if calls or (role == "function" and "content" in message):
            return
        out.add(
            MISSING_CONTENT,
            f"{nth(index)} ({role}) has no content. Write the text of the message.",
            message_index=index,
            field="content",
        )
        return
    content = message["content"]
    if isinstance(content, str):
        _check_text(content, role, calls, index, message.get("weight"), out)
    elif isinstance(content, list):
        _check_parts(content, role, index, out)
    else:
        out.add(
            CONTENT_WRONG_TYPE,
            f"{nth(index)} ({role}) has {describe(content)} as its content; it must be text.",
            message_index=index,
            field="content",
            fix=Fix(FIX_CONTENT_TO_TEXT, "Turn it into text") if _scalar(content) else None,
        )


def _scalar(value: Any) -> bool:
    return isinstance(value, int | float | bool)


def _check_text(text: str, role: str, calls: bool, index: int, weight: Any, out: Findings) -> None:
    if not text.strip():
        if role == "assistant":
            if calls:
                return
            out.add(
                EMPTY_REPLY,
                f"{nth(index)} is an empty assistant reply. Write the reply, or remove the message.",
                message_index=index,
                field="content",
                fix=Fix(FIX_WRITE_REPLY, "Write the reply"),
            )
        else:
            out.add(
                EMPTY_MESSAGE,
                f"{nth(index)} ({role}) is empty.",
                message_index=index,
                field="content",
                fix=Fix(FIX_WRITE_MESSAGE, "Write the message"),
            )
        return
    if role == "assistant" and weight != 0 and text != text.strip():
        where = _where_whitespace(text)
        out.add(
            REPLY_WHITESPACE,
            f"{nth(index)} (assistant) has {where}; the model would learn to write it too.",
            message_index=index,
            field="content",
            fix=Fix(FIX_TRIM_WHITESPACE, "Remove the extra spaces and blank lines"),
        )


def _where_whitespace(text: str) -> str:
    start, end = text[:1].isspace(), text[-1:].isspace()
    if start and end:
        return "spaces or blank lines at the start and at the end"
    return "spaces or blank lines at the start" if start else "spaces or blank lines at the end"


def _check_parts(parts: list[Any], role: str, index: int, out: Findings) -> None:
    if role == "assistant":
        texts = all(
            isinstance(p, str) or (isinstance(p, dict) and p.get("type") == "text") for p in parts
        )
        out.add(
            ASSISTANT_CONTENT_LIST,
            f"{nth(index)} is an assistant reply written as a list of parts; OpenAI needs it as "
            "plain text.",
            message_index=index,
            field="content",
            fix=Fix(FIX_JOIN_TEXT_PARTS, "Join the parts into one text")
            if texts and parts
            else None,
        )
        return
    if role == "function":
        out.add(
            CONTENT_WRONG_TYPE,
            f"{nth(index)} (function) has a list as its content; it must be text.",
            message_index=index,
            field="content",
        )
        return
    if not parts:
        out.add(
            EMPTY_MESSAGE,
            f"{nth(index)} ({role}) has an empty list as its content.",
            message_index=index,
            field="content",
            fix=Fix(FIX_REMOVE_MESSAGE, "Remove the empty message"),
        )
        return
    for i, part in enumerate(parts):
        _check_part(part, index, i, out)


def _check_part(part: Any, index: int, i: int, out: Findings) -> None:
    field = f"content[{i}]"
    kind = part.get("type") if isinstance(part, dict) else None
    if kind == "text":
        if not isinstance(part.get("text"), str):
            out.add(
                CONTENT_PART_INVALID,
                f"{nth(index)}, part {i + 1}: a text part needs its text in “text”.",
                message_index=index,
                field=field,
            )
        return
    if kind == "image_url":
        return  # images.py checks image parts, and where they may appear
    if kind in ("input_audio", "file", "audio", "input_file"):
        out.add(
            UNSUPPORTED_PART,
            f"{nth(index)}, part {i + 1} is {'a file' if 'file' in kind else 'audio'}; "
            "fine-tuning accepts only text and images.",
            message_index=index,
            field=field,
        )
        return
    shown = f"a part of type “{kind}”" if isinstance(kind, str) else describe(part)
    out.add(
        CONTENT_PART_INVALID,
        f"{nth(index)}, part {i + 1} is {shown}, not a text or image part.",
        message_index=index,
        field=field,
    )
