"""`name` on a message: 1 to 64 letters, digits, underscores or hyphens."""

from __future__ import annotations

import re
from typing import Any

from desktop_app.core.checks.base import FIX_CLEAN_NAME, Findings, describe, nth, quote, rule
from desktop_app.core.problems import Fix, Severity

F = "names"
NAME_PATTERN = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_NOT_ALLOWED = re.compile(r"[^a-zA-Z0-9_-]+")

NAME_INVALID = rule(
    "name_invalid",
    Severity.ERROR,
    "A message's “name” has characters other than letters, digits, _ and -, or is too long.",
    "Names may use only a-z, A-Z, 0-9, underscore and hyphen, at most 64 characters "
    "(no spaces or accents).",
    family=F,
)
FUNCTION_MISSING_NAME = rule(
    "function_missing_name",
    Severity.ERROR,
    "A “function” message has no “name” saying which function answered.",
    family=F,
)


def clean_name(name: str) -> str:
    """The nearest allowed name: other characters become _, cut to 64."""
    return _NOT_ALLOWED.sub("_", name).strip("_")[:64] or ""


def check_name(message: dict[str, Any], role: str, index: int, out: Findings) -> None:
    if "name" not in message:
        if role == "function":
            out.add(
                FUNCTION_MISSING_NAME,
                f"{nth(index)} is a function result without a “name”. Add the function's name.",
                message_index=index,
                field="name",
            )
        return
    name = message["name"]
    if isinstance(name, str) and NAME_PATTERN.fullmatch(name):
        return
    if isinstance(name, str):
        cleaned = clean_name(name)
        why = (
            "is empty"
            if not name
            else (
                "is longer than 64 characters"
                if len(name) > 64
                else "has characters that are not allowed"
            )
        )
        out.add(
            NAME_INVALID,
            f"{nth(index)} has the name {quote(name)}, which {why}. Use only letters, digits, _ "
            "and -.",
            message_index=index,
            field="name",
            fix=Fix(FIX_CLEAN_NAME, f"Change it to “{cleaned}”") if cleaned else None,
        )
    else:
        out.add(
            NAME_INVALID,
            f"{nth(index)} has {describe(name)} as its name; it must be text.",
            message_index=index,
            field="name",
        )
