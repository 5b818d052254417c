"""One quick pass over a plain chat example: proof that it is clean, and what the summary needs.

Most lines of a real dataset are plain: {"messages": [...]} whose messages hold only a role
(system, user or assistant), text content, and perhaps a name or a weight. For those, one loop
gathers everything at once: whether every per-line rule would pass (so the full checks can be
skipped), which roles occur, where the final reply is, and each message's canonical bytes for the
duplicate hashes. Anything unusual returns None or `clean=False`, and the caller runs the full
checks; tests/core/test_checks_plain.py shows the two never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop_app.core.checks.names import NAME_PATTERN

PLAIN_KEYS = frozenset({"role", "content", "name", "weight"})
_CLEAN_KEYS = {
    "system": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": PLAIN_KEYS,
}
_NUMBERS = (int, float, bool)


@dataclass(slots=True)
class PlainPass:
    pieces: list[bytes]  # canonical bytes of each message, in order
    names: int  # object names in the messages (for the duplicate-key certificate)
    reply_at: int  # index of the final assistant message, -1 if none
    has_system: bool
    has_user: bool
    clean: bool  # True: no per-line rule can fire on these messages (text scans aside)


def plain_piece(message: dict[str, Any], role: str, content: str, name: str, weight: Any) -> bytes:
    """Canonical bytes of a plain message: length-prefixed fields, so no two messages collide."""
    text = "P%d:%s%d:%s%s%d:%s%s%s;" % (
        len(role),
        role,
        len(content),
        content,
        "n" if "name" in message else "-",
        len(name),
        name,
        "w" if "weight" in message else "-",
        json.dumps(weight) if "weight" in message else "",
    )
    return text.encode("utf-8", "surrogatepass")


def plain_fields(message: Any) -> tuple[str, str, str, Any] | None:
    """(role, content, name, weight) of a plain message, else None ("" for a missing field)."""
    if type(message) is not dict or not message.keys() <= PLAIN_KEYS:
        return None
    role, content = message.get("role"), message.get("content")
    name, weight = message.get("name", ""), message.get("weight", "")
    if type(role) is not str or type(content) is not str or type(name) is not str:
        return None
    if "weight" in message and type(weight) not in _NUMBERS:
        return None
    return role, content, name, weight


def plain_pass(messages: list[Any]) -> PlainPass | None:
    """Everything one loop learns about a list of plain messages; None if one is not plain."""
    pieces: list[bytes] = []
    names = 0
    reply_at = -1
    has_system = has_user = trained = False
    clean = True
    for index, message in enumerate(messages):
        fields = plain_fields(message)
        if fields is None:
            return None
        role, content, name, weight = fields
        pieces.append(plain_piece(message, role, content, name, weight))
        names += len(message)
        allowed = _CLEAN_KEYS.get(role)
        if allowed is None or not message.keys() <= allowed or not content.strip():
            clean = False
        elif role == "assistant":
            reply_at = index
            learned = weight != 0
            if "weight" in message and (type(weight) is not int or weight not in (0, 1)):
                clean = False
            if learned:
                trained = True
                if content[0].isspace() or content[-1].isspace():
                    clean = False
        elif role == "user":
            has_user = True
        else:
            has_system = True
        if "name" in message and not NAME_PATTERN.fullmatch(name):
            clean = False
    if role_ended := (reply_at != len(messages) - 1):
        clean = clean and not role_ended
    clean = clean and trained and has_user
    return PlainPass(pieces, names, reply_at, has_system, has_user, clean)
