"""Preference pairs for DPO: a conversation, then one preferred and one non-preferred reply."""

from __future__ import annotations

from typing import Any

from desktop_app.core.checks import content, structure, tools
from desktop_app.core.checks.base import (
    FIX_REMOVE_KEY,
    FIX_RENAME_PREFERENCE_KEYS,
    FIX_TRIM_WHITESPACE,
    Findings,
    describe,
    quote,
    rule,
)
from desktop_app.core.checks.messages import check_messages, scan_texts
from desktop_app.core.problems import Fix, Severity

F = "preference (DPO)"
OUTPUTS = ("preferred_output", "non_preferred_output")
PREFERENCE_KEYS = ("input", *OUTPUTS)
INPUT_KEYS = ("messages", "tools", "parallel_tool_calls")
_LEGACY = {
    "preferred_completion": "preferred_output",
    "non_preferred_completion": "non_preferred_output",
}

INPUT_INVALID = rule(
    "preference_input_invalid",
    Severity.ERROR,
    "A preference pair's “input” is missing or has no list of messages.",
    'A preference pair looks like {"input": {"messages": [...]}, "preferred_output": '
    '[{"role": "assistant", ...}], "non_preferred_output": [{"role": "assistant", ...}]}.',
    family=F,
)
INPUT_ENDING = rule(
    "preference_input_ending",
    Severity.WARNING,
    "A preference pair's conversation does not end with a user message for the two replies to answer.",
    family=F,
)
OUTPUT_COUNT = rule(
    "preference_output_count",
    Severity.ERROR,
    "A preference pair needs exactly one preferred and one non-preferred reply.",
    family=F,
)
OUTPUT_NOT_ASSISTANT = rule(
    "preference_output_not_assistant",
    Severity.ERROR,
    "A preferred or non-preferred reply is not an assistant message.",
    family=F,
)
OUTPUT_NOT_TEXT = rule(
    "preference_output_not_text",
    Severity.ERROR,
    "A preferred or non-preferred reply has no text (or its content is not plain text).",
    family=F,
)
OUTPUTS_IDENTICAL = rule(
    "preference_outputs_identical",
    Severity.WARNING,
    "The preferred and non-preferred replies are the same, so there is no preference to learn.",
    family=F,
)
LEGACY_KEYS = rule(
    "preference_legacy_keys",
    Severity.ERROR,
    "The pair uses the old names preferred_completion / non_preferred_completion.",
    family=F,
)
TEXT_ONLY = rule(
    "preference_images",
    Severity.ERROR,
    "A preference pair contains images; OpenAI's preference training takes text only.",
    family=F,
)

_LABELS = {
    "preferred_output": "The preferred reply",
    "non_preferred_output": "The non-preferred reply",
}


def check_preference(value: dict[str, Any], out: Findings) -> None:
    _check_top_keys(value, out)
    _check_input(value.get("input"), out)
    replies = [_check_output(value, key, out) for key in OUTPUTS]
    if replies[0] is not None and replies[0] == replies[1]:
        out.add(
            OUTPUTS_IDENTICAL,
            "The preferred and the non-preferred reply are identical, so the pair teaches nothing.",
            field="non_preferred_output[0].content",
        )


def _check_top_keys(value: dict[str, Any], out: Findings) -> None:
    legacy = [key for key in _LEGACY if key in value]
    if legacy:
        out.add(
            LEGACY_KEYS,
            f"This pair uses {', '.join(f'“{k}”' for k in legacy)}; OpenAI now expects "
            "“preferred_output” and “non_preferred_output”.",
            field=legacy[0],
            fix=Fix(
                FIX_RENAME_PREFERENCE_KEYS, "Rename to preferred_output / non_preferred_output"
            ),
        )
    for key in value:
        if key not in PREFERENCE_KEYS and key not in _LEGACY:
            out.add(
                structure.UNKNOWN_KEY,
                f"The pair has the key “{key}”, which OpenAI does not expect.",
                field=str(key),
                fix=Fix(FIX_REMOVE_KEY, f"Remove “{key}”"),
            )


def _check_input(data: Any, out: Findings) -> None:
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list) or not messages:
        what = (
            "missing"
            if data is None
            else (
                f"{describe(data)}"
                if not isinstance(data, dict)
                else f"without messages ({describe(messages)})"
            )
        )
        out.add(
            INPUT_INVALID,
            f"The pair's “input” is {what}; it must hold the conversation as “messages”.",
            field="input",
        )
        return
    for key in data:
        if key not in INPUT_KEYS:
            out.add(
                structure.UNKNOWN_KEY,
                f"The pair's input has the key “{key}”, which OpenAI does not expect.",
                field=f"input.{key}",
            )
    functions = tools.defined_functions(data, out)
    found_roles, image_count = check_messages(messages, out, functions)
    if image_count:
        out.add(
            TEXT_ONLY,
            "This pair contains images; preference (DPO) training accepts only text.",
            field="input.messages",
        )
    if found_roles and found_roles[-1] not in ("user", None):
        out.add(
            INPUT_ENDING,
            f"The conversation ends with a {found_roles[-1]} message; it should end with the user "
            "message the two replies answer.",
            message_index=len(found_roles) - 1,
        )


def _check_output(value: dict[str, Any], key: str, out: Findings) -> str | None:
    """Check one output list; return its reply text when it is readable."""
    label = _LABELS[key]
    legacy_key = next((old for old, new in _LEGACY.items() if new == key), "")
    outputs = value.get(key, value.get(legacy_key))
    if not isinstance(outputs, list) or len(outputs) != 1:
        shown = (
            "missing"
            if outputs is None
            else (
                f"{describe(outputs)}"
                if not isinstance(outputs, list)
                else f"a list of {len(outputs)}"
            )
        )
        out.add(
            OUTPUT_COUNT,
            f"{label} ({key}) is {shown}; it must be a list with exactly one assistant message.",
            field=key,
        )
        return None
    message = outputs[0]
    field = f"{key}[0]"
    if not isinstance(message, dict) or message.get("role") != "assistant":
        role = message.get("role") if isinstance(message, dict) else None
        shown = f"has the role {quote(role)}" if isinstance(role, str) else "has no assistant role"
        out.add(
            OUTPUT_NOT_ASSISTANT,
            f"{label} {shown}; it must be an assistant message.",
            field=f"{field}.role",
        )
        if not isinstance(message, dict):
            return None
    text = message.get("content")
    if not isinstance(text, str) or not text.strip():
        if text is None and message.get("tool_calls"):
            return None
        out.add(
            OUTPUT_NOT_TEXT,
            f"{label} has {describe(text)} as its content; it must be the reply's text.",
            field=f"{field}.content",
        )
        return None
    if text != text.strip():
        out.add(
            content.REPLY_WHITESPACE,
            f"{label} starts or ends with spaces or blank lines; the model would learn them too.",
            field=f"{field}.content",
            fix=Fix(FIX_TRIM_WHITESPACE, "Remove the extra spaces and blank lines"),
        )
    scan_texts(message, None, out, label, prefix=f"{field}.")
    return text
