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
_NUMBERS = (int, float, bool)


Fields = tuple[str, str, "str | None", "int | float | bool | None"]  # role, content, name, weight


@dataclass(slots=True)
class PlainPass:
    fields: list[Fields]  # each message's role, content, name and weight (None: not given)
    pieces: list[bytes]  # canonical bytes of each message, in order
    names: int  # object names in the messages (for the duplicate-key certificate)
    reply_at: int  # index of the final assistant message, -1 if none
    has_system: bool
    has_user: bool
    clean: bool  # True: no per-line rule can fire on these messages (text scans aside)


def plain_piece(role: str, content: str, name: str | None, weight: Any) -> bytes:
    """Canonical bytes of a plain message: length-prefixed fields, so no two messages collide."""
    named = "-0:" if name is None else f"n{len(name)}:{name}"
    written = "-" if weight is None else f"w{json.dumps(weight)}"
    return f"P{len(role)}:{role}{len(content)}:{content}{named}{written};".encode(
        "utf-8", "surrogatepass"
    )


def plain_fields(message: Any) -> Fields | None:
    """(role, content, name, weight) of a plain message, else None."""
    if type(message) is not dict or not message.keys() <= PLAIN_KEYS:
        return None
    role, content = message.get("role"), message.get("content")
    name, weight = message.get("name"), message.get("weight")
    if type(role) is not str or type(content) is not str:
        return None
    if (name is not None and type(name) is not str) or ("name" in message and name is None):
        return None
    if (weight is not None and type(weight) not in _NUMBERS) or (
        "weight" in message and weight is None
    ):
        return None
    return role, content, name, weight


def plain_pass(messages: list[Any]) -> PlainPass | None:
    """Everything one loop learns about a list of plain messages; None if one is not plain.

    The loop is written out in full (no helper calls per message): it runs for every message of
    every line of a file.
    """
    fields: list[Fields] = []
    pieces: list[bytes] = []
    names = 0
    reply_at = -1
    has_system = has_user = trained = False
    clean = True
    plain_keys = PLAIN_KEYS
    for index, message in enumerate(messages):
        if type(message) is not dict:
            return None
        keys = message.keys()
        if not keys <= plain_keys:
            return None
        role = message.get("role")
        content = message.get("content")
        if type(role) is not str or type(content) is not str:
            return None
        name = message.get("name")
        weight = message.get("weight")
        if name is None:
            if "name" in message:
                return None
            named = "-0:"
        elif type(name) is str:
            named = f"n{len(name)}:{name}"
            if not NAME_PATTERN.fullmatch(name):
                clean = False
        else:
            return None
        if weight is None:
            if "weight" in message:
                return None
            written = "-"
        elif type(weight) in _NUMBERS:
            written = f"w{json.dumps(weight)}"
        else:
            return None
        fields.append((role, content, name, weight))
        pieces.append(
            f"P{len(role)}:{role}{len(content)}:{content}{named}{written};".encode(
                "utf-8", "surrogatepass"
            )
        )
        names += len(keys)
        if role == "assistant":
            reply_at = index
            if weight != 0:  # a reply that will be learned
                trained = True
                odd_weight = weight is not None and (type(weight) is not int or weight != 1)
                padded = not content.strip() or content[0].isspace() or content[-1].isspace()
                if odd_weight or padded:
                    clean = False
            elif type(weight) is not int or not content.strip():  # 0.0 or false; or empty
                clean = False
        elif role == "user":
            has_user = True
            if weight is not None or not content.strip():
                clean = False
        elif role == "system":
            has_system = True
            if weight is not None or not content.strip():
                clean = False
        else:
            clean = False  # tool, function, or a role that is not allowed
    clean = clean and trained and has_user and reply_at == len(messages) - 1
    return PlainPass(fields, pieces, names, reply_at, has_system, has_user, clean)
