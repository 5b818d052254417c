"""Plain-text scripts of "System:", "User:" and "Assistant:" turns into chat examples."""

from __future__ import annotations

import re
from typing import Any

from desktop_app.core.convert.notes import Conversion, Notes

_TURN = re.compile(r"^\s*(system|user|assistant)\s*:[ \t]?(.*)$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*-{3,}\s*$")


def script_to_chat(text: str, system: str | None = None) -> Conversion:
    """Examples from a script of "System:", "User:" and "Assistant:" turns.

    Examples are separated by lines of "---". In a file without such lines, a blank line followed
    by a User: or System: turn starts a new example once the current one has a reply. Lines that
    follow a turn belong to it (blank lines inside are kept as paragraph breaks).
    """
    notes = Notes()
    lines = text.splitlines()
    dashed = any(_SEPARATOR.match(line) for line in lines)
    examples: list[list[list[Any]]] = []  # example → turns → [role, first line, text lines]
    current: list[list[Any]] = []
    blank_before = False
    for number, line in enumerate(lines, start=1):
        match = _TURN.match(line)
        if dashed and _SEPARATOR.match(line):
            examples.append(current)
            current = []
        elif match:
            role = match.group(1).lower()
            has_reply = any(turn[0] == "assistant" for turn in current)
            if (
                has_reply
                and not dashed
                and role in ("user", "system")
                and (blank_before or role == "system")
            ):
                examples.append(current)
                current = []
            current.append([role, number, [match.group(2)]])
        elif not line.strip():
            if current:
                current[-1][2].append("")
        elif current:
            current[-1][2].append(line)
        else:
            notes.at(
                "{where} came before any “User:”, “Assistant:” or “System:” label, so {it} {was} left out.",
                number,
            )
        blank_before = not line.strip()
    examples.append(current)
    values = [
        v for v in (_script_example(turns, system, notes) for turns in examples if turns) if v
    ]
    if dashed:
        notes.add("Examples were separated by the “---” lines.")
    return Conversion(values, notes.render("line"))


def _script_example(
    turns: list[list[Any]], system: str | None, notes: Notes
) -> dict[str, Any] | None:
    messages = [{"role": role, "content": "\n".join(body).strip()} for role, _, body in turns]
    first_line = turns[0][1]
    replies = [m for m in messages if m["role"] == "assistant"]
    if not replies:
        notes.at(
            "The example starting at {where} has no “Assistant:” reply, so it was skipped.",
            first_line,
        )
        return None
    if any(not m["content"] for m in replies):
        notes.at(
            "The example starting at {where} has an empty reply, so it was skipped.", first_line
        )
        return None
    if system and not any(m["role"] == "system" for m in messages):
        messages.insert(0, {"role": "system", "content": system})
    return {"messages": messages}
