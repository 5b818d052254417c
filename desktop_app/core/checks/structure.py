"""Line and object shape: blank and broken lines, duplicate keys, old formats, top-level keys."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.core.checks.base import (
    FIX_KEEP_LAST_DUPLICATE,
    FIX_REMOVE_EXAMPLE,
    FIX_REMOVE_KEY,
    Findings,
    closest,
    describe,
    list_words,
    rule,
)
from desktop_app.core.dataset.jsonline import MAX_DEPTH_MESSAGE, ParsedLine
from desktop_app.core.problems import Fix, Severity

F = "structure"
BLANK_LINE = rule(
    "blank_line",
    Severity.INFO,
    "The line is empty. It is kept in your file but left out of the training file.",
    family=F,
)
NOT_UTF8 = rule(
    "not_utf8",
    Severity.ERROR,
    "The line contains bytes that are not UTF-8 text (often a file saved in another encoding).",
    "Save the file as UTF-8 in your editor, or retype the damaged characters.",
    family=F,
)
INVALID_JSON = rule(
    "invalid_json",
    Severity.ERROR,
    "The line is not valid JSON, so it cannot be read as an example.",
    "Each line must be one complete JSON object. Open the line in the raw editor to repair it.",
    family=F,
)
COMMENT_LINE = rule(
    "comment_line",
    Severity.ERROR,
    "The line is a comment (// or #); JSONL files cannot contain comments.",
    family=F,
)
SPLIT_EXAMPLE = rule(
    "split_example",
    Severity.ERROR,
    "The line is a piece of an example written over several lines; each example must be on one line.",
    "A JSONL file holds one whole example per line: "
    '{"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}. '
    "Join the pieces into one line (or rebuild the example in the editor).",
    family=F,
)
NAN_OR_INFINITY = rule(
    "nan_or_infinity",
    Severity.ERROR,
    "The line uses NaN or Infinity, which JSON does not allow.",
    family=F,
)
TOO_DEEP = rule(
    "too_deeply_nested",
    Severity.ERROR,
    "The line is nested so deeply that it cannot be read as an example.",
    family=F,
)
NOT_AN_OBJECT = rule(
    "not_an_object",
    Severity.ERROR,
    "The line is valid JSON, but a list, text or number instead of an object in { }.",
    family=F,
)
DUPLICATE_KEYS = rule(
    "duplicate_keys",
    Severity.WARNING,
    "The same name appears twice in one object; only the last value is used.",
    "JSON readers keep only the last of two equal names, so the first value is silently ignored.",
    family=F,
)
LEGACY_PROMPT_COMPLETION = rule(
    "legacy_prompt_completion",
    Severity.ERROR,
    "The line uses the old prompt/completion format, which chat models cannot train on.",
    "Convert it to a chat example: the prompt becomes a user message and the completion the "
    "assistant's reply (the Convert fix, or `ftstudio convert`).",
    family=F,
)
NOT_AN_EXAMPLE = rule(
    "not_an_example",
    Severity.ERROR,
    "The line is an object, but has no “messages” (nor the input/outputs of a preference pair).",
    family=F,
)
MESSAGES_NOT_A_LIST = rule(
    "messages_not_a_list",
    Severity.ERROR,
    "The “messages” value must be a list of messages in [ ].",
    family=F,
)
MESSAGES_EMPTY = rule(
    "messages_empty",
    Severity.ERROR,
    "The example has an empty list of messages.",
    family=F,
)
UNKNOWN_KEY = rule(
    "unknown_key",
    Severity.WARNING,
    "The example has a key the provider does not know; it may reject the file.",
    "Finetune Studio keeps unknown keys, but OpenAI's file check may refuse them. Remove the key "
    "if it is only a note for yourself.",
    family=F,
)
PARALLEL_TOOL_CALLS_INVALID = rule(
    "parallel_tool_calls_invalid",
    Severity.ERROR,
    "The “parallel_tool_calls” value must be true or false.",
    family=F,
)

FIX_CONVERT_PROMPT_COMPLETION = "convert_prompt_completion"
FIX_RENAME_TO_MESSAGES = "rename_to_messages"
CHAT_KEYS = ("messages", "tools", "parallel_tool_calls", "functions")
_FRAGMENTS = frozenset({"{", "}", "[", "]", "]}", "]},", "},", "],", "{[", "}]"})


def check_blank(out: Findings) -> None:
    out.add(
        BLANK_LINE,
        "This line is blank. It stays in your file but is left out of the training file.",
        fix=Fix(FIX_REMOVE_EXAMPLE, "Remove the blank line"),
    )


def check_broken(raw: bytes, parsed: ParsedLine, out: Findings) -> dict[str, Any] | None:
    """Report a line that cannot be read; return a message object salvaged from it, if any.

    A line such as `{"role": "user", "content": "Hi"},` is a piece of an example written over
    several lines; the salvaged message lets the message checks still point at, say, a typo in
    its role.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        out.add(NOT_UTF8, parsed.error)
        return None
    stripped = text.strip()
    if is_comment(stripped):
        out.add(
            COMMENT_LINE,
            "This line is a comment. Comments are not allowed in a JSONL file.",
            fix=Fix(FIX_REMOVE_EXAMPLE, "Remove the comment line"),
        )
        return None
    if parsed.error == MAX_DEPTH_MESSAGE:
        out.add(TOO_DEEP, parsed.error)
        return None
    if parsed.value is not None or stripped in ("null", "[]", '""'):
        out.add(NOT_AN_OBJECT, parsed.error)
        return None
    salvaged = _salvage_message(stripped)
    if salvaged is not None or _is_fragment(stripped):
        out.add(
            SPLIT_EXAMPLE,
            "This line is only a piece of an example that was written over several lines.",
        )
        return salvaged
    if _allows_constants(text):
        out.add(NAN_OR_INFINITY, parsed.error)
        return None
    if not stripped.startswith(("{", "[", '"')):  # a title or a note between the examples
        out.add(
            INVALID_JSON,
            "This line is plain text, not an example: each line of the file must be one example.",
            hint="Remove the line, or put its words into an example.",
            fix=Fix(FIX_REMOVE_EXAMPLE, "Remove the line"),
        )
        return None
    out.add(INVALID_JSON, parsed.error, hint=_json_hint(stripped))
    return None


def is_comment(line: str) -> bool:
    """Whether a line is a comment (`//` or `#`), which no JSONL file may hold."""
    return line.lstrip().startswith(("//", "#"))


def _is_fragment(stripped: str) -> bool:
    compact = "".join(stripped.split())
    if compact in _FRAGMENTS:
        return True
    opened = compact.count("[") + compact.count("{")
    closed = compact.count("]") + compact.count("}")
    continues = compact.endswith(("[", "{", ","))  # the example goes on on the next line
    return compact.startswith(('{"messages":[', '{"input":{')) and opened > closed and continues


def _salvage_message(stripped: str) -> dict[str, Any] | None:
    candidate = stripped.rstrip(",").strip()
    if not (candidate.startswith("{") and candidate.endswith("}")):
        return None
    try:
        value = json.loads(candidate)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict) and "role" in value:
        return value
    return None


def _allows_constants(text: str) -> bool:
    """True when the line only fails because of NaN / Infinity (plain json accepts them)."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _json_hint(stripped: str) -> str:
    if stripped.endswith(","):
        return "The line ends with a comma. Remove it: each line is one whole example."
    if "'" in stripped and '"' not in stripped:
        return "JSON needs double quotes (\") around names and text, not single quotes (')."
    return ""  # the rule's own hint


def check_duplicate_keys(keys: tuple[str, ...], out: Findings) -> None:
    names = list_words([f"“{key}”" for key in keys])
    out.add(
        DUPLICATE_KEYS,
        f"The name {names} appears twice in the same object; only the last value is used.",
        fix=Fix(FIX_KEEP_LAST_DUPLICATE, "Keep only the last value"),
    )


def check_other(value: dict[str, Any], out: Findings) -> None:
    """An object that is neither a chat example nor a preference pair."""
    if "prompt" in value or "completion" in value:
        out.add(
            LEGACY_PROMPT_COMPLETION,
            "This line uses the old prompt/completion format. Chat models need “messages” instead.",
            fix=Fix(FIX_CONVERT_PROMPT_COMPLETION, "Convert to a chat example"),
        )
        return
    if "role" in value:
        out.add(
            SPLIT_EXAMPLE,
            "This line holds a single message, not a whole example. It looks like an example was "
            "written over several lines.",
        )
        return
    keys = [str(k) for k in value]
    near = next((k for k in keys if closest(k, ("messages",)) == "messages"), None)
    if near is not None:
        out.add(
            NOT_AN_EXAMPLE,
            f"This example has “{near}” where “messages” is expected.",
            field=near,
            fix=Fix(FIX_RENAME_TO_MESSAGES, f"Rename “{near}” to “messages”"),
        )
        return
    found = list_words([f"“{k}”" for k in keys[:6]]) if keys else "nothing"
    out.add(
        NOT_AN_EXAMPLE,
        f"This line is not an example: it has no “messages”. It contains {found}.",
    )


def check_chat_top(value: dict[str, Any], out: Findings) -> list[Any] | None:
    """Top-level keys of a chat example; returns the messages list when it can be checked."""
    for key in value:
        if key not in CHAT_KEYS:
            out.add(
                UNKNOWN_KEY,
                f"The example has the key “{key}”, which OpenAI does not expect.",
                field=str(key),
                fix=Fix(FIX_REMOVE_KEY, f"Remove “{key}”"),
            )
    parallel = value.get("parallel_tool_calls")
    if "parallel_tool_calls" in value and not isinstance(parallel, bool):
        out.add(
            PARALLEL_TOOL_CALLS_INVALID,
            f"“parallel_tool_calls” is {describe(parallel)}; it must be true or false.",
            field="parallel_tool_calls",
        )
    messages = value.get("messages")
    if not isinstance(messages, list):
        out.add(
            MESSAGES_NOT_A_LIST,
            f"“messages” is {describe(messages)}, but it must be a list of messages in [ ].",
            field="messages",
        )
        return None
    if not messages:
        out.add(
            MESSAGES_EMPTY,
            "This example has no messages.",
            field="messages",
            fix=Fix(FIX_REMOVE_EXAMPLE, "Remove the example"),
        )
        return None
    return messages
